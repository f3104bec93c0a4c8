"""Peak memory growth of this process over a block of code (Linux), for tests that bound a server's memory."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


def _status_kib(key: str) -> int:
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith(key + ":"))


@dataclass
class Growth:
    mib: float = 0.0
    how: str = ""


@contextmanager
def peak_rss_growth() -> Iterator[Growth]:
    """The highest RSS reached inside the block minus the RSS when it began, in MiB.

    The kernel's peak mark (VmHWM) is restarted at the current RSS first (``/proc/self/clear_refs``), so an
    earlier, higher peak of the test process cannot hide the growth; where that cannot be done, RSS is sampled
    every 5 ms instead.
    """
    growth = Growth()
    before = _status_kib("VmRSS")
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        samples = [before]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.005):
                samples.append(_status_kib("VmRSS"))

        thread = threading.Thread(target=sample, daemon=True)
        thread.start()
        try:
            yield growth
        finally:
            done.set()
            thread.join()
            growth.mib, growth.how = (max(samples) - before) / 1024, "sampled VmRSS"
        return
    yield growth
    growth.mib, growth.how = (_status_kib("VmHWM") - before) / 1024, "VmHWM after clear_refs"

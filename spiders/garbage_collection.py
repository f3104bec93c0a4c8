"""Garbage collection tuned for a crawl's or a writer's process.

A crawl allocates a few container objects per record (decoded JSON, items,
futures, tasks) and keeps thousands alive while their batch is written, so
CPython's cyclic collector, at its default of a collection every 700
allocations, ran some 1,500 times per 10,000 acts and took a third of the
crawl's CPU time (bench/crawl.py: 0.96 of 2.95 s parsing only, 2.7 of 4.5 s
storing). What is alive once the process is set up (modules, settings, plans)
is moved out of the collector's sight (``gc.freeze``), and young objects are
collected every 50,000 allocations: the same runs then spend 0.02–0.2 s in
4–35 collections. Reference cycles are still collected, less often.
"""

from __future__ import annotations

import gc

GEN0_THRESHOLD = 50_000  # allocations between young collections (CPython's default: 700)
GEN1_EVERY = 20  # young collections per middle one (default 10)
GEN2_EVERY = 10  # middle collections per full one (default 10; CPython also waits for 25 % growth)


_holders = 0  # crawlers of this process that asked for it (several spiders may run in one process)
_saved: tuple[int, int, int] | None = None


def relax() -> None:
    """Freeze what is alive and collect less often, until every caller has called :func:`restore`."""
    global _holders, _saved
    _holders += 1
    if _holders > 1 or not gc.isenabled():
        return  # already relaxed, or the process runs without a collector: nothing to tune
    _saved = gc.get_threshold()
    # No gc.collect() first: it walked the whole heap (0.05-0.25 s of a crawl's start) to spare the
    # few MB of garbage that, frozen, wait for restore() instead.
    gc.freeze()
    gc.set_threshold(GEN0_THRESHOLD, GEN1_EVERY, GEN2_EVERY)


def restore() -> None:
    """Once the last caller of :func:`relax` is done: the thresholds of before, the frozen objects back in view."""
    global _holders, _saved
    if _holders == 0:
        return
    _holders -= 1
    if _holders or _saved is None:
        return
    gc.set_threshold(*_saved)
    gc.unfreeze()
    _saved = None

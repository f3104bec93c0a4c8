"""Job functions for the scheduler tests, stored as ``tests.scheduler_jobs:<name>`` refs.

They record each call in module state so a test can wait for and count runs.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

from monitor.ops.jobs import resolve

_lock = threading.Lock()
calls: Counter[str] = Counter()


def reset() -> None:
    with _lock:
        calls.clear()


def count(key: str) -> int:
    with _lock:
        return calls[key]


def wait_for(key: str, n: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if count(key) >= n:
            return True
        time.sleep(0.02)
    return False


def record(key: str) -> None:
    with _lock:
        calls[key] += 1


def fail_times(key: str, failures: int) -> str:
    """Fails on the first ``failures`` calls, then succeeds."""
    with _lock:
        calls[key] += 1
        n = calls[key]
    if n <= failures:
        raise RuntimeError(f"{key}: planned failure {n}/{failures}")
    return "ok"


def missing_target(key: str) -> None:
    """Like a real job wrapper whose target module is not there (yet)."""
    record(key)
    resolve("tests.no_such_module:run")()

"""A classification worker: ``monitor.classify.pipeline.classify_pending`` in a polling loop.

On PostgreSQL any number of workers run side by side: each batch is claimed
with ``FOR UPDATE SKIP LOCKED`` inside the transaction that stores its
classifications, so no two workers take the same activity, and a killed
worker's transaction rolls back, releasing its batch for the next claim; the
unique (activity, model_version, profile) constraint is the backstop. SQLite
has one writer, so there the worker takes a lock file and a second one is
refused rather than left waiting on ``database is locked``; the scheduler's
classify job (``monitor.ops.jobs.classify_new``) takes the same lock.
"""

from __future__ import annotations

import fcntl
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy.engine import make_url

from monitor.classify.pipeline import classify_pending
from monitor.db.session import session_factory as make_session_factory
from monitor.db.session import session_scope

if TYPE_CHECKING:
    from models.profile import ElectionProfile

log = logging.getLogger(__name__)


class WorkerRefused(RuntimeError):
    """Another worker holds the single-writer lock (SQLite)."""


@dataclass
class WorkerSummary:
    classified: int = 0
    flagged: int = 0
    queued: int = 0
    rounds: int = 0


def lock_path(database_url: str) -> Path | None:
    """Where a SQLite database's worker lock lives (next to the file); None for other databases."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise WorkerRefused("an in-memory SQLite database cannot be shared with a worker")
    return Path(url.database).with_name(Path(url.database).name + ".classifier-worker.lock")


@contextmanager
def single_worker_lock(database_url: str) -> Iterator[None]:
    """Hold the SQLite worker lock for the block (nothing to hold on PostgreSQL)."""
    path = lock_path(database_url)
    if path is None:
        yield
        return
    handle: IO[str] = path.open("a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WorkerRefused(f"another classifier worker is running on this SQLite database ({path}); "
                                "SQLite takes one writer — use PostgreSQL for parallel workers") from None
        yield
    finally:
        handle.close()  # closing releases the lock


def lock_path_or_none(database_url: str) -> Path | None:
    """:func:`lock_path`, or None where there is nothing to lock: another database, in-memory SQLite."""
    try:
        return lock_path(database_url)
    except WorkerRefused:
        return None


def worker_running(database_url: str) -> bool:
    """Whether a process holds this SQLite database's worker lock (a ``classifier-worker``, or a scheduler's
    classify job); False on other databases. Finds out by taking the lock and letting it go at once."""
    if lock_path_or_none(database_url) is None:
        return False
    try:
        with single_worker_lock(database_url):
            return False
    except WorkerRefused:
        return True


def active_profile_of(database_url: str) -> ElectionProfile | None:
    from monitor.registry.profiles import active_profile

    with session_scope(database_url) as session:
        return active_profile(session)


def run_classifier_worker(
    database_url: str,
    classifier: Any,
    *,
    batch_size: int = 32,
    once: bool = False,
    idle_exit: float | None = None,
    poll: float = 2.0,
    profile_loader: Callable[[str], ElectionProfile | None] = active_profile_of,
    on_round: Callable[[WorkerSummary], None] | None = None,
) -> WorkerSummary:
    """Classify pending activities until stopped; ``once``: one pass, ``idle_exit``: stop after idling that long.

    The active profile is read again each round, so loading a new election
    profile needs no restart.
    """
    total = WorkerSummary()
    sessions = make_session_factory(database_url)
    idle_since: float | None = None
    with single_worker_lock(database_url):
        while True:
            profile = profile_loader(database_url)
            done = 0
            if profile is None:
                log.warning("no active election profile; load one with `netra profile load`")
            else:
                summary = classify_pending(sessions, classifier, profile, batch_size=batch_size)
                done = summary.classified
                total.classified += summary.classified
                total.flagged += summary.flagged
                total.queued += summary.queued
            total.rounds += 1
            if on_round:
                on_round(total)
            if once:
                return total
            now = time.monotonic()
            if done:
                idle_since = None
                continue  # more may have arrived while this pass ran
            idle_since = idle_since or now
            if idle_exit is not None and now - idle_since >= idle_exit:
                return total
            time.sleep(poll)

"""Running an importer: open the export, check its owner, store every act through the ingest store.

The run is honest (spiders/store.py): a record that cannot be used is quarantined raw, a file
that cannot be read is an error naming it, an act the database refuses waits in the retry table,
and each of them ends the run ``partial`` (``failed`` when nothing was read). An import stopped
from outside — SIGTERM, Ctrl-C, the web app shutting down — closes its run as ``failed`` with the
reason; one killed outright (kill -9) is closed by the next import's :meth:`IngestStore.close_stale_runs`,
which its heartbeat (every :data:`HEARTBEAT_S` seconds, also while a long file yields nothing) makes safe.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select

from monitor.db.schema import Account
from spiders.importers.base import (
    Export,
    ExportError,
    ExportTooLarge,
    FileProblem,
    ImportLimits,
    ImportStats,
    Rejected,
    Source,
    human_bytes,
    open_export,
    read_sources,
)
from spiders.items import ActivityItem, QuarantineItem, clean_text
from spiders.platforms import normalise_handle
from spiders.store import IngestStore

log = logging.getLogger(__name__)

# Seconds between heartbeats of a running import (close_stale_runs calls a run silent after minutes).
HEARTBEAT_S = 10.0
# Seconds between calls of an import's ``watch`` (the web job's progress).
WATCH_S = 1.0
# Problems written to the run's error log one by one; past these, the run's counters keep counting.
LOGGED_PROBLEMS = 100
# Acts (and quarantined records) per transaction, and the longest one waits for its batch.
BATCH = 200
BATCH_WAIT_S = 2.0


class Importer(Protocol):
    name: str  # "x-archive", "instagram", ...
    platform: str

    def check(self, export: Export) -> None:
        """Raise ExportError when the export is not of this platform."""

    def owner(self, export: Export) -> str | None:
        """The username the export belongs to, when the export says."""

    def sources(self, export: Export, handle: str) -> list[Source]:
        """The files the importer reads and the parser of each record in them (acts: self_audit=True)."""


class OwnerMismatch(ExportError):
    """The export belongs to another account than the one it was handed in for."""

    code = "owner_mismatch"


class ImportInterrupted(BaseException):
    """The import was stopped from outside: a signal, or the web app shutting down.

    A BaseException, so no ``except Exception`` around a single record swallows it.
    """

    def __init__(self, reason: str, exit_code: int = 1) -> None:
        super().__init__(reason)
        self.reason = reason
        self.exit_code = exit_code


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """SIGTERM and SIGINT stop the import through its cleanup, so its run is closed ``failed`` with the reason.

    Only the main thread can take signals; elsewhere (the web app's worker) this does nothing.
    A second signal gets the default behaviour (the process ends at once; the next import closes the run).
    """
    global _stop_requested
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: dict[int, Any] = {}
    _stop_requested = None

    def handler(signum: int, _frame: Any) -> None:
        # Only noted here: the import stops at its next record (_Pulse). Raising from the handler would land
        # anywhere, also inside a SQLite write, leaving that connection holding the write lock while the
        # cleanup waits on it (twice the busy timeout, then the process is killed with its run 'running').
        global _stop_requested
        for sig, old in previous.items():
            signal.signal(sig, old)
        _stop_requested = signal.Signals(signum)

    for sig in (signal.SIGTERM, signal.SIGINT):
        previous[sig] = signal.signal(sig, handler)
    try:
        yield
    finally:
        _stop_requested = None
        for sig, old in previous.items():
            signal.signal(sig, old)


_stop_requested: signal.Signals | None = None  # set by stop_on_signals' handler, acted on between records


def raise_if_stopped() -> None:
    """Raise :class:`ImportInterrupted` when a signal asked the import to stop."""
    if _stop_requested is not None:
        raise ImportInterrupted(f"interrupted by {_stop_requested.name}", exit_code=128 + _stop_requested)


class _Pulse:
    """Called on every chunk read and every record: heartbeats, progress counts, the caller's watch."""

    def __init__(self, store: IngestStore, run_id: int, stats: ImportStats,
                 watch: Callable[[ImportStats], None] | None) -> None:
        self.store = store
        self.run_id = run_id
        self.stats = stats
        self.watch = watch
        self.last_beat = self.last_watch = time.monotonic()
        self.flushed = {"seen": 0, "stored": 0, "quarantined": 0, "store_failures": 0}

    def __call__(self) -> None:
        raise_if_stopped()
        now = time.monotonic()
        if self.watch is not None and now - self.last_watch >= WATCH_S:
            self.last_watch = now
            self.watch(self.stats)
        if now - self.last_beat >= HEARTBEAT_S:
            self.last_beat = now
            self.flush()
            self.store.heartbeat(self.run_id)

    def flush(self) -> None:
        """Put the counts gathered since the last flush on the run (``netra runs list`` shows them growing)."""
        now = {"seen": self.stats.seen, "stored": self.stats.stored, "quarantined": self.stats.quarantined,
               "store_failures": self.stats.store_failures}
        delta = {k: now[k] - self.flushed[k] for k in now}
        if any(delta.values()):
            self.store.add_counts(self.run_id, **delta)
            self.flushed = now


def _check_sizes(export: Export, sources: list[Source], limits: ImportLimits) -> None:
    """The archive's own claims, before anything is read: a file over its limit is refused when read,
    and files that together claim more than the total stop the import here."""
    files = {s.file.name: s.file.size for s in sources if s.file.size <= limits.member_bytes}
    total = sum(files.values())
    if total > limits.total_bytes:
        raise ExportTooLarge(
            f"{export.path}: the files to import hold {human_bytes(total)} uncompressed, more than the "
            f"{human_bytes(limits.total_bytes)} allowed (import_max_total_bytes)"
        )


def _owner(importer: Importer, export: Export) -> str | None:
    try:
        return importer.owner(export)
    except ExportError:
        raise
    except Exception as exc:  # noqa: BLE001 — an odd profile file must not pass the owner check by crashing
        raise ExportError(f"{export.path}: the owner of the export cannot be read ({type(exc).__name__}: {exc})") \
            from None


def import_export(
    importer: Importer,
    path: Path,
    account: str,
    *,
    store: IngestStore | None = None,
    received_by: str | None = None,
    ignore_owner: bool = False,
    progress: Callable[[int], None] | None = None,
    limits: ImportLimits | None = None,
    watch: Callable[[ImportStats], None] | None = None,
    on_run: Callable[[int], None] | None = None,
) -> tuple[int, ImportStats]:
    """Import ``path`` for the declared ``account``; returns (crawl run id, stats with the run's status).

    Refusals (unknown account, wrong platform, another owner, over the size limits by the archive's
    own headers) raise :class:`ExportError` before the run exists: nothing is stored. After that nothing
    raises but :class:`ImportInterrupted` and database failures, and the run is closed either way.
    ``progress`` hears each act read, ``watch`` gets the stats about every second (it may raise
    :class:`ImportInterrupted` to stop the import), ``on_run`` the run id once it exists.
    Nothing already stored is lost or duplicated, because every act is keyed on its own ids: importing
    a repaired export again stores exactly the acts that were missing.
    """
    store = store or IngestStore()
    limits = limits or ImportLimits.from_settings()
    handle = normalise_handle(importer.platform, account)
    with store.sessions() as s:
        account_row = s.scalar(select(Account).where(Account.platform == importer.platform, Account.handle == handle))
    if account_row is None:
        raise ExportError(f"no declared {importer.platform} account {handle!r} in the registry")
    # Runs left 'running' by an import or crawl that was killed outright are closed before this one opens.
    store.close_stale_runs()

    with open_export(path, limits) as export:
        importer.check(export)
        owner = _owner(importer, export)
        if owner is not None and owner.lower().lstrip("@") != handle and not ignore_owner:
            raise OwnerMismatch(
                f"{path}: the export belongs to {owner!r}, not to the declared account {handle!r} "
                "(use --ignore-owner only if the account was renamed)"
            )
        sources = importer.sources(export, handle)
        _check_sizes(export, sources, limits)
        stats = ImportStats(export_sha256=export.sha256)
        run_id = store.start_run(f"import:{importer.name}", importer.platform, f"{handle} <- {path.name}")
        if on_run is not None:
            on_run(run_id)
        pulse = _Pulse(store, run_id, stats, watch)
        export.on_read(pulse)
        failed = False

        def problem(code: str, file: str | None, position: int | None, message: str, url: str | None,
                    *, always: bool = False) -> None:
            message = clean_text(message)
            stats.problem(code, file, position, message)
            if always or stats.problem_count <= LOGGED_PROBLEMS:
                store.record_error(run_id, account=handle, url=clean_text(url) if url else None, error=message)

        batch = _Batch(store, run_id, importer, account_row.id, handle, stats, problem)
        try:
            for outcome in read_sources(sources, stats):
                if isinstance(outcome, ActivityItem):
                    batch.add_act(outcome)
                    if progress is not None:
                        progress(1)
                elif isinstance(outcome, Rejected):
                    batch.add_rejected(outcome)
                elif isinstance(outcome, FileProblem):
                    stats.unreadable_files += 1
                    problem(outcome.code, outcome.file, None, outcome.error, f"archive:{outcome.file}", always=True)
                pulse()
            batch.flush()
        except ExportTooLarge as exc:
            batch.flush()
            stats.unreadable_files += 1
            problem(exc.code, None, None, str(exc), str(path), always=True)
        except BaseException as exc:
            # Interrupted (signal, shutdown) or the database failed: the run must not stay 'running'.
            failed = True
            reason = exc.reason if isinstance(exc, ImportInterrupted) else f"{type(exc).__name__}: {exc}"
            stats.problem("interrupted", None, None, clean_text(f"import stopped: {reason}"))
            try:
                if isinstance(exc, ImportInterrupted):
                    batch.flush()  # what was read is stored; the rest waits for the next import of the export
                store.record_error(run_id, account=handle, url=str(path), error=clean_text(f"import stopped: {reason}"))
            except Exception:  # noqa: BLE001 — the database may be what failed; closing the run is tried anyway
                log.exception("could not record why import run %s stopped", run_id)
            raise
        finally:
            try:
                pulse.flush()
            finally:
                stats.status = store.finish_run(
                    run_id,
                    stats={
                        "export_sha256": export.sha256,
                        "export_path": str(path),
                        "export_bytes": export.size,
                        "received_by": received_by,
                        "files_read": stats.files_read,
                        "by_kind": stats.by_kind,
                        "unchanged": stats.unchanged,
                        "unreadable_files": stats.unreadable_files,
                        "truncated_fields": stats.truncated_fields,
                    },
                    failed=failed,
                )
    if watch is not None:
        watch(stats)  # the final counts, with the run's status
    return run_id, stats


class _Batch:
    """Acts and quarantined records stored a batch per transaction (one per act would take minutes per export)."""

    def __init__(self, store: IngestStore, run_id: int, importer: Importer, account_id: int, handle: str,
                 stats: ImportStats, problem: Callable[..., None]) -> None:
        self.store = store
        self.handle = handle
        self.run_id = run_id
        self.importer = importer
        self.account_id = account_id
        self.stats = stats
        self.problem = problem
        self.items: list[ActivityItem | QuarantineItem] = []
        self.started = 0.0

    def add_act(self, item: ActivityItem) -> None:
        item.account_id = self.account_id
        item.self_audit = True
        item.source = f"import:{self.importer.name}"
        self.stats.seen += 1
        self._add(item)

    def add_rejected(self, rejected: Rejected) -> None:
        self.stats.quarantined += 1
        where = clean_text(rejected.where)
        message = clean_text(f"{rejected.file} {rejected.section}[{rejected.position}]: {rejected.error}")
        self._add(QuarantineItem(platform=self.importer.platform, account=self.handle, url=where, error=message[:2000],
                                 raw=rejected.raw))
        self.problem(rejected.code, rejected.file, rejected.position, message, where)

    def _add(self, item: ActivityItem | QuarantineItem) -> None:
        if not self.items:
            self.started = time.monotonic()
        self.items.append(item)
        if len(self.items) >= BATCH or time.monotonic() - self.started >= BATCH_WAIT_S:
            self.flush()

    def flush(self) -> None:
        items, self.items = self.items, []
        if not items:
            return
        # One bad act costs only itself: the store retries a failed batch item by item and keeps
        # each act it still cannot store in the retry table — where it survives the web app deleting the export.
        results = self.store.store_batch(items, crawl_run_id=self.run_id)
        for item, result in zip(items, results, strict=True):
            if isinstance(result, Exception):
                what = f"{item.kind} {item.external_id}" if isinstance(item, ActivityItem) else f"record {item.url}"
                url = (item.url or item.source_url) if isinstance(item, ActivityItem) else item.url
                self.stats.store_failures += 1
                self.problem("not_stored", None, None, f"{what}: not stored ({type(result).__name__}: "
                             f"{str(result)[:300]})", url, always=True)
            elif isinstance(item, ActivityItem):
                if result:
                    self.stats.stored += 1
                    self.stats.count(item.kind)
                else:
                    self.stats.unchanged += 1

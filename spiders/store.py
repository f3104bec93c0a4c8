"""The ingestion store: posts, activities, evidence and crawl runs, idempotently.

Plain SQLAlchemy, no Scrapy: the crawl pipeline and the self-audit importers
both write through it. Each ``ingest_*`` call is one short transaction, so a
crash loses nothing that was acknowledged, and every write is keyed on the
platform's own ids, so repeating it changes nothing:

- a post is upserted on (platform, external_id);
- an activity is inserted if absent on (account, kind, external_id);
- evidence is append-only: identical content adds nothing, changed content
  (an edited post) adds the next version.

Concurrent writers (two crawls, a crawl and an import) may race to insert the
same key; the loser's transaction fails on the unique constraint and is
retried once, finding the winner's row. SQLite allows one writer at a time: a
write that finds the file locked past its busy timeout is retried with backoff
instead of failing.

Nothing read is dropped silently: a record that could not be parsed is kept in
``quarantine``; an act the database refused is kept in ``ingest_retry`` and
holds its account's resume point back until a later run stores it; a run is
``succeeded`` only when neither happened and every account was read to the end.
"""

from __future__ import annotations

import hashlib
import logging
import os
import random
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from monitor.db.schema import (
    Account,
    Activity,
    CrawlRun,
    Evidence,
    IngestRetry,
    Post,
    QuarantinedRecord,
    WatchedAccount,
)
from monitor.db.session import session_factory as default_session_factory
from monitor.db.types import utcnow
from spiders.items import (
    RETRYABLE,
    AccountStateItem,
    ActivityItem,
    CrawlCheckpointItem,
    FollowChangeItem,
    PostItem,
    QuarantineItem,
    TombstoneItem,
    item_from_json,
    item_to_json,
)
from spiders.resume_points import advance_position, checkpoint_retry_keys, retry_key
from spiders.store_errors import PositionHeld, UnknownAccount
from spiders.table_statistics import TableStatistics

log = logging.getLogger(__name__)

T = TypeVar("T")

ERROR_LOG_CAP = 500  # entries kept in crawl_run.error_log; the error counter keeps counting
# A run whose process has not been heard of for this long is closed as failed by the next start.
STALE_AFTER = timedelta(minutes=10)
# SQLite: one writer at a time. Each attempt already waits the connection's busy timeout.
LOCKED_ATTEMPTS = 6
HOST = socket.gethostname()


def is_locked(exc: BaseException) -> bool:
    """SQLite's "database is locked" / "database table is locked" (another process is writing)."""
    return isinstance(exc, OperationalError) and "locked" in str(exc.orig if exc.orig else exc).lower()


def _start_ticks(pid: int) -> int | None:
    """When ``pid`` started, in clock ticks after boot (field 22 of /proc/<pid>/stat), or None without /proc."""
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def process_start(pid: int) -> str | None:
    """Which process holds ``pid``: its boot id and start time, or None where /proc cannot tell.

    Two processes with the same pid on one host never share this value (the start differs, or the boot does).
    """
    ticks = _start_ticks(pid)
    return None if ticks is None else f"{_boot_id()}/{ticks}"


def process_age(pid: int) -> float | None:
    """Seconds since ``pid`` started (Linux /proc), or None where that cannot be read."""
    ticks = _start_ticks(pid)
    try:
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return None if ticks is None else uptime - ticks / os.sysconf("SC_CLK_TCK")


# For runs recorded without their process's start (before migration 0021): a process that started this long
# after the run's last heartbeat cannot be the one that beat it, so the pid was reused.
PID_REUSE_SLACK = timedelta(seconds=1)


def process_alive(pid: int) -> bool:
    """Whether ``pid`` runs on this host. A zombie (dead, never reaped: an orphan in a container whose
    init does not reap) counts as dead."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, owned by someone else
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc: trust the signal check
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def pid_reused(pid: int, heard: datetime | None, started: str | None = None) -> bool:
    """Whether the process now holding ``pid`` is not the one that owned the run.

    Exact where the run recorded its process's start (``started``); otherwise, whether the process started
    after ``heard`` (when the run's own process beat last), give or take PID_REUSE_SLACK.
    """
    if started is not None:
        now = process_start(pid)
        return now is not None and now != started
    age = process_age(pid)
    return heard is not None and age is not None and utcnow() - timedelta(seconds=age) > heard + PID_REUSE_SLACK


def owner_gone(pid: int, started: str | None, heard: datetime | None = None) -> bool:
    """Whether the process that recorded itself as ``pid`` on this host has ended: no process has the pid now, or
    the one that has it is another (``pid_reused``: by ``started`` when recorded, else by ``heard``)."""
    return not process_alive(pid) or pid_reused(pid, heard, started)


@dataclass(frozen=True)
class Stored:
    """The row an ingest call ended on and whether the call wrote anything new."""

    id: int
    created: bool
    # For posts: the evidence version this call captured, if it captured one.
    evidence_id: int | None = None


def sha256_hex(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


class IngestStore:
    """Idempotent writes of crawled and imported records."""

    def __init__(self, database_url: str | None = None, *, sessions: sessionmaker[Session] | None = None):
        self.sessions = sessions or default_session_factory(database_url)
        self.statistics = TableStatistics(self.sessions.kw["bind"])

    # ------------------------------------------------------------------ runs

    def start_run(self, spider: str, platform: str | None = None, target: str | None = None) -> int:
        def work(s: Session) -> int:
            run = CrawlRun(spider=spider, platform=platform, target=target, status="running", error_log=[],
                           host=HOST, pid=os.getpid(), process_start=process_start(os.getpid()),
                           heartbeat_at=utcnow())
            s.add(run)
            s.flush()
            return run.id

        return self._retrying(work)

    def heartbeat(self, run_id: int) -> None:
        """This process is alive and working on the run (it may be a child of the one that started it)."""
        self._retrying(lambda s: s.execute(update(CrawlRun).where(CrawlRun.id == run_id).values(
            heartbeat_at=utcnow(), host=HOST, pid=os.getpid(), process_start=process_start(os.getpid()))))

    def close_stale_runs(self, *, now: datetime | None = None, stale_after: timedelta = STALE_AFTER) -> list[int]:
        """Close as ``failed`` the runs left ``running`` by a process that died (kill -9, power cut, OOM).

        A run is stale when its process, on this host, no longer exists — or its pid now belongs to another
        process, one that started at another time (a machine that starts many processes reuses pids within seconds) —
        or when nothing was heard of it for ``stale_after`` (every live crawl and import beats more often than that).
        """
        now = now or utcnow()
        closed: list[int] = []
        with self.sessions() as s:
            running = list(s.scalars(select(CrawlRun).where(CrawlRun.status == "running")))
        for run in running:
            heard = run.heartbeat_at or run.started_at
            dead = (run.host == HOST and run.pid is not None and run.pid != os.getpid()
                    and owner_gone(run.pid, run.process_start, heard))
            silent = heard is not None and now - heard > stale_after
            if not (dead or silent):
                continue
            why = (f"process {run.pid} on {run.host} ended without closing the run" if dead
                   else f"nothing heard from process {run.pid} on {run.host} since {heard:%Y-%m-%d %H:%M:%S} UTC")
            if self._close_if_running(run.id, why):
                closed.append(run.id)
        return closed

    def _close_if_running(self, run_id: int, why: str) -> bool:
        def work(s: Session) -> bool:
            run = s.get(CrawlRun, run_id, with_for_update=True)
            if run is None or run.status != "running":
                return False
            run.errors = (run.errors or 0) + 1
            run.error_log = [*(run.error_log or []),
                             {"account": None, "url": None, "error": f"closed as failed: {why}",
                              "at": utcnow().isoformat()}][:ERROR_LOG_CAP]
            run.status = "failed"
            run.finished_at = utcnow()
            return True

        return self._retrying(work)

    def record_error(self, run_id: int, *, account: str | None, url: str | None, error: str) -> None:
        """Count an error on the run and keep its account, URL and message (the first few hundred)."""

        def work(s: Session) -> None:
            run = s.get(CrawlRun, run_id, with_for_update=True)
            if run is None:
                raise LookupError(f"crawl run {run_id} does not exist")
            run.errors = (run.errors or 0) + 1
            entries = list(run.error_log or [])
            if len(entries) < ERROR_LOG_CAP:
                entries.append({"account": account, "url": url, "error": error[:2000], "at": utcnow().isoformat()})
                run.error_log = entries

        self._retrying(work)

    def add_counts(self, run_id: int, *, seen: int = 0, stored: int = 0, quarantined: int = 0,
                   store_failures: int = 0, incomplete_accounts: int = 0) -> None:
        if not (seen or stored or quarantined or store_failures or incomplete_accounts):
            return
        self._retrying(lambda s: s.execute(
            update(CrawlRun)
            .where(CrawlRun.id == run_id)
            .values(items_seen=CrawlRun.items_seen + seen, items_stored=CrawlRun.items_stored + stored,
                    quarantined=CrawlRun.quarantined + quarantined,
                    store_failures=CrawlRun.store_failures + store_failures,
                    incomplete_accounts=CrawlRun.incomplete_accounts + incomplete_accounts,
                    heartbeat_at=utcnow())
        ))

    def finish_run(self, run_id: int, *, stats: dict[str, Any] | None = None, failed: bool = False,
                   read_something: bool = False) -> str:
        """Close the run honestly.

        ``succeeded`` only when nothing was skipped: no error, no quarantined record, no act left
        unstored, no account left half read. Otherwise ``partial`` when something was read, and
        ``failed`` when nothing was (or the caller says it failed). ``read_something``: the caller read
        what no item counts (a fact-check feed whose articles are all stored already).
        """

        def work(s: Session) -> str:
            run = s.get(CrawlRun, run_id, with_for_update=True)
            if run is None:
                raise LookupError(f"crawl run {run_id} does not exist")
            skipped = run.errors or run.quarantined or run.store_failures or run.incomplete_accounts
            if failed:
                status = "failed"
            elif skipped:
                status = "partial" if (run.items_seen or run.quarantined or read_something) else "failed"
            else:
                status = "succeeded"
            run.status = status
            run.finished_at = utcnow()
            run.heartbeat_at = run.finished_at
            if stats is not None:
                run.stats = stats
            return status

        return self._retrying(work)

    def run(self, run_id: int) -> CrawlRun:
        with self.sessions() as s:
            run = s.get(CrawlRun, run_id)
            if run is None:
                raise LookupError(f"crawl run {run_id} does not exist")
            return run

    # ------------------------------------------------- quarantine and retries

    def quarantine(self, item: QuarantineItem, *, crawl_run_id: int | None = None,
                   session: Session | None = None) -> int:
        """Keep an unreadable record raw, with its account, URL and the parser's error."""
        if session is None:
            return self._retrying(lambda s: self.quarantine(item, crawl_run_id=crawl_run_id, session=s))
        row = QuarantinedRecord(crawl_run_id=crawl_run_id, platform=item.platform, account=item.account,
                                url=item.url, error=item.error, raw=item.raw, sha256=sha256_hex(item.raw))
        session.add(row)
        session.flush()
        return row.id

    def keep_for_retry(self, item: Any, error: BaseException, *, crawl_run_id: int | None = None) -> None:
        """An act the database refused waits in ``ingest_retry`` and holds its account's resume point back."""
        if type(item).__name__ not in RETRYABLE:
            return
        account = retry_key(item.platform, getattr(item, "account_id", None),
                            getattr(item, "account_handle", None) or getattr(item, "account_external_id", None))
        url = getattr(item, "source_url", None) or getattr(item, "url", None)
        message = f"{type(error).__name__}: {error}"[:2000]

        def work(s: Session) -> None:
            s.add(IngestRetry(crawl_run_id=crawl_run_id, platform=item.platform, account=account, url=url,
                              item=item_to_json(item), error=message, attempts=1))

        self._retrying(work)

    def retry_pending(self, platform: str, *, crawl_run_id: int | None = None) -> tuple[int, int]:
        """Store again the acts of ``platform`` that wait in the retry table: (stored now, still waiting)."""
        with self.sessions() as s:
            rows = [(r.id, r.item) for r in s.scalars(
                select(IngestRetry).where(IngestRetry.platform == platform).order_by(IngestRetry.id))]
        stored = waiting = 0
        for row_id, data in rows:
            try:
                item = item_from_json(data)
                self._retrying(lambda s, item=item: self._store_item(s, item, crawl_run_id))
            except Exception as exc:  # noqa: BLE001 — it keeps waiting, with the newest reason
                waiting += 1
                message = f"{type(exc).__name__}: {exc}"[:2000]
                self._retrying(lambda s, row_id=row_id, message=message: s.execute(
                    update(IngestRetry).where(IngestRetry.id == row_id).values(
                        attempts=IngestRetry.attempts + 1, error=message, last_failed_at=utcnow())))
                continue
            stored += 1
            self._retrying(lambda s, row_id=row_id: s.execute(delete(IngestRetry).where(IngestRetry.id == row_id)))
        return stored, waiting

    # -------------------------------------------------------------- evidence

    def capture_evidence(
        self,
        subject_key: str,
        raw: bytes,
        source_url: str | None,
        *,
        source: str,
        media_type: str = "application/json",
        post_id: int | None = None,
        crawl_run_id: int | None = None,
        session: Session | None = None,
        first: bool = False,
    ) -> Stored:
        """Keep ``raw`` as evidence about ``subject_key``.

        The same bytes already kept for the subject add nothing; different
        bytes become the next version. Nothing is ever updated or deleted.
        ``first`` says the subject was only just created (a new post), so the
        same bytes cannot be stored yet; a concurrent writer would still be
        caught by the unique keys.
        """
        if session is None:
            return self._retrying(
                lambda s: self.capture_evidence(
                    subject_key, raw, source_url, source=source, media_type=media_type,
                    post_id=post_id, crawl_run_id=crawl_run_id, session=s,
                )
            )
        digest = sha256_hex(raw)
        if not first:
            existing = session.scalar(
                select(Evidence.id).where(Evidence.subject_key == subject_key, Evidence.sha256 == digest)
            )
            if existing is not None:
                return Stored(existing, False)
        # Even a brand-new post may follow older versions whose post row a retention purge removed.
        latest = session.scalar(select(func.max(Evidence.version)).where(Evidence.subject_key == subject_key))
        evidence = Evidence(
            subject_key=subject_key,
            version=(latest or 0) + 1,
            post_id=post_id,
            source_url=source_url,
            source=source,
            media_type=media_type,
            raw=raw,
            sha256=digest,
            crawl_run_id=crawl_run_id,
        )
        session.add(evidence)
        session.flush()
        return Stored(evidence.id, True)

    def evidence_versions(self, subject_key: str) -> list[Evidence]:
        with self.sessions() as s:
            query = select(Evidence).where(Evidence.subject_key == subject_key).order_by(Evidence.version)
            return list(s.scalars(query))

    # ----------------------------------------------------------------- posts

    def ingest_post(self, item: PostItem, *, crawl_run_id: int | None = None) -> Stored:
        """Upsert a post and keep its evidence; ``created`` is true when anything new was written."""
        return self._retrying(lambda s: self._upsert_post(s, item, crawl_run_id))

    def _upsert_post(self, s: Session, item: PostItem, crawl_run_id: int | None) -> Stored:
        now = utcnow()
        fingerprint = item.content_fingerprint()
        post = s.scalar(select(Post).where(Post.platform == item.platform, Post.external_id == item.external_id))
        created = new_post = False
        if post is None:
            post = Post(platform=item.platform, external_id=item.external_id, first_seen_at=now)
            self._fill_post(post, item, fingerprint)
            s.add(post)
            s.flush()
            created = new_post = True
        else:
            post.last_seen_at = now
            if post.deleted_at is not None and not item.partial:
                # Seen again in full: the tombstone was premature (moderation lifted, outage).
                post.deleted_at = None
            if item.partial:
                # An embedded copy only fills what the full record has not given yet.
                for name in ("url", "author_handle", "author_external_id", "text", "lang", "posted_at",
                             "posted_at_raw"):
                    if getattr(post, name) is None and getattr(item, name) is not None:
                        setattr(post, name, getattr(item, name))
                if post.content_sha256 is None:
                    post.content_sha256 = fingerprint
            elif post.content_sha256 != fingerprint:
                self._fill_post(post, item, fingerprint)
                created = True
            elif post.parent_external_id is None and item.parent_external_id:
                # Which post a reply answers is learnt from some views only (a Mastodon parent fetch).
                post.parent_external_id = item.parent_external_id
        evidence_id = None
        if item.raw and (created or not self._has_evidence(s, item.subject_key)):
            evidence = self.capture_evidence(
                item.subject_key, item.raw, item.source_url, source=item.source or f"crawl:{item.platform}",
                media_type=item.media_type, post_id=post.id, crawl_run_id=crawl_run_id, session=s, first=new_post,
            )
            created = created or evidence.created
            evidence_id = evidence.id
        return Stored(post.id, created, evidence_id)

    @staticmethod
    def _fill_post(post: Post, item: PostItem, fingerprint: str) -> None:
        parent = item.parent_external_id or post.parent_external_id
        post.url = item.url
        post.author_handle = item.author_handle
        post.author_external_id = item.author_external_id
        post.text = item.text
        post.extras = item.extras or None
        post.lang = item.lang
        post.parent_external_id = parent
        post.posted_at = item.posted_at
        post.posted_at_raw = item.posted_at_raw
        post.content_sha256 = fingerprint

    @staticmethod
    def _has_evidence(s: Session, subject_key: str) -> bool:
        return s.scalar(select(Evidence.id).where(Evidence.subject_key == subject_key).limit(1)) is not None

    def mark_deleted(self, platform: str, external_id: str) -> bool:
        """Tombstone a post that re-fetched as not found; true when it was not marked before."""
        return self._retrying(lambda s: self._mark_deleted(s, platform, external_id))

    @staticmethod
    def _mark_deleted(s: Session, platform: str, external_id: str) -> bool:
        post = s.scalar(select(Post).where(Post.platform == platform, Post.external_id == external_id))
        if post is None or post.deleted_at is not None:
            return False
        post.deleted_at = utcnow()
        return True

    # ------------------------------------------------------------ activities

    def ingest_activity(self, item: ActivityItem, *, crawl_run_id: int | None = None) -> Stored:
        """Store an act with its own post, its target post and evidence, in one transaction.

        An activity already stored is left as it is, except that values it
        lacked (time, target, evidence) are filled in when this sighting has them.
        """
        return self._retrying(lambda s: self._insert_activity(s, item, crawl_run_id))

    def _insert_activity(self, s: Session, item: ActivityItem, crawl_run_id: int | None) -> Stored:
        account_id = self.account_id_for(
            s, item.platform, item.account_id, item.account_external_id, item.account_handle
        )
        wrote = False
        own = target = None
        if item.post is not None:
            own = self._upsert_post(s, item.post, crawl_run_id)
            wrote = wrote or own.created
        if item.target is not None:
            target = self._upsert_post(s, item.target, crawl_run_id)
            wrote = wrote or target.created
        activity = s.scalar(
            select(Activity).where(
                Activity.account_id == account_id, Activity.kind == item.kind, Activity.external_id == item.external_id
            )
        )
        evidence_id: int | None = activity.evidence_id if activity is not None else None
        if evidence_id is None and item.raw:
            evidence_id = self.capture_evidence(
                item.subject_key, item.raw, item.source_url, source=item.source or f"crawl:{item.platform}",
                media_type=item.media_type, post_id=target.id if target else None,
                crawl_run_id=crawl_run_id, session=s,
            ).id
        elif evidence_id is None and own is not None:
            evidence_id = own.evidence_id or s.scalar(
                select(Evidence.id).where(Evidence.subject_key == item.post.subject_key).order_by(Evidence.version)
            )
        if activity is None:
            activity = Activity(
                account_id=account_id,
                kind=item.kind,
                external_id=item.external_id,
                post_id=own.id if own else None,
                target_post_id=target.id if target else None,
                text=item.text,
                context_text=item.context,
                url=item.url,
                occurred_at=item.occurred_at,
                evidence_id=evidence_id,
                source=item.source or f"crawl:{item.platform}",
                self_audit=item.self_audit,
            )
            s.add(activity)
            s.flush()
            return Stored(activity.id, True)
        filled = False
        for name, value in (
            ("occurred_at", item.occurred_at),
            ("target_post_id", target.id if target else None),
            ("post_id", own.id if own else None),
            ("evidence_id", evidence_id),
            ("context_text", item.context),
            ("url", item.url),
        ):
            if getattr(activity, name) is None and value is not None:
                setattr(activity, name, value)
                filled = True
        if item.post is not None and own is not None and own.created and item.text != activity.text:
            # The own post was edited: the act now reads as the new text; the old one stays in evidence.
            activity.text = item.text
            filled = True
        return Stored(activity.id, wrote or filled)

    def _follow_change(self, s: Session, item: FollowChangeItem, crawl_run_id: int | None) -> bool:
        """An unfollow (or a follow seen again): ``ended_at`` set (or cleared), the observation kept as evidence.

        True when it changed anything; nothing is deleted, and a change already recorded adds nothing.
        """
        account_id = self.account_id_for(
            s, item.platform, item.account_id, item.account_external_id, item.account_handle
        )
        activity = s.scalar(select(Activity).where(
            Activity.account_id == account_id, Activity.kind == "follow", Activity.external_id == item.external_id))
        if activity is None or (activity.ended_at is None) == item.following:
            return False
        activity.ended_at = None if item.following else (item.observed_at or utcnow())
        if item.raw:
            subject = activity.evidence.subject_key if activity.evidence else item.subject_key
            self.capture_evidence(subject, item.raw, item.source_url, source=item.source or f"crawl:{item.platform}",
                                  post_id=activity.target_post_id, crawl_run_id=crawl_run_id, session=s)
        return True

    # -------------------------------------------------------------- accounts

    @staticmethod
    def account_id_for(
        s: Session, platform: str, account_id: int | None, external_id: str | None, handle: str | None
    ) -> int:
        """The registry id of a declared account named by id, platform id or handle."""
        if account_id is not None:
            if s.get(Account, account_id) is None:
                raise UnknownAccount(f"declared account id {account_id} does not exist")
            return account_id
        if external_id:
            found = s.scalar(select(Account.id).where(Account.platform == platform, Account.external_id == external_id))
            if found is not None:
                return found
        if handle:
            found = s.scalar(
                select(Account.id).where(Account.platform == platform, func.lower(Account.handle) == handle.lower())
            )
            if found is not None:
                return found
        raise UnknownAccount(f"no declared {platform} account {external_id or handle!r}")

    def update_account(self, item: AccountStateItem) -> bool:
        """Record an account's resolved id, state and labels; true when anything changed."""
        return self._retrying(lambda s: self._update_account(s, item))

    def _update_account(self, s: Session, item: AccountStateItem) -> bool:
        row = self._account_row(s, item.platform, item.account_id, item.watched_account_id, item.handle)
        if row is None:
            raise UnknownAccount(f"no {item.platform} account {item.handle!r} to update")
        changed = False
        for name, value in (("external_id", item.external_id), ("state", item.state)):
            if value is not None and getattr(row, name) != value:
                setattr(row, name, value)
                changed = True
        if item.labels is not None and isinstance(row, Account) and row.labels != item.labels:
            row.labels = item.labels
            changed = True
        return changed

    def save_checkpoint(self, item: CrawlCheckpointItem) -> None:
        self._retrying(lambda s: self._save_checkpoint(s, item))

    def _save_checkpoint(self, s: Session, item: CrawlCheckpointItem) -> None:
        row = self._account_row(s, item.platform, item.account_id, item.watched_account_id, item.handle,
                                for_update=True)
        if row is None:
            raise UnknownAccount(f"no {item.platform} account {item.handle!r} to checkpoint")
        waiting = 0
        if isinstance(row, Account):
            keys = checkpoint_retry_keys(item, row)
            waiting = s.scalar(select(func.count(IngestRetry.id)).where(IngestRetry.account.in_(keys))) or 0
        advance_position(row, item, waiting)

    # ----------------------------------------------------------------- batches

    def store_batch(self, items: list[Any], *, crawl_run_id: int | None = None) -> list[bool | None | Exception]:
        """Store items in order in one transaction; per item: new content (True/False), None, or its error.

        One commit for many items is what makes crawling fast; if any item
        fails, the batch is rolled back and every item is stored on its own,
        so one bad record costs only itself. An act that still fails waits in
        the retry table before the next item is stored, so a checkpoint later
        in the same batch sees it and holds the account's position. Order is
        kept, so a checkpoint never commits before the items that precede it.
        """
        from spiders.ingest_batch import BatchWriter

        inserted: dict[str, int] = {}

        def work(s: Session) -> list[bool | None | Exception]:
            writer = BatchWriter(self, s, crawl_run_id)
            results: list[bool | None | Exception] = list(writer.store_all(items))
            inserted.clear()  # an attempt that rolled back and was retried counts once
            inserted.update(writer.inserted)
            return results

        try:
            results = self._retrying(work)
        except Exception:  # noqa: BLE001 — retried one by one below, where each error is kept
            log.debug("batch of %d failed; storing one by one", len(items), exc_info=True)
        else:
            self.statistics.after_commit(inserted)
            return results
        results: list[bool | None | Exception] = []
        for item in items:
            try:
                results.append(self._retrying(lambda s, item=item: self._store_item(s, item, crawl_run_id)))
            except Exception as exc:  # noqa: BLE001 — reported to the caller with its item
                results.append(exc)
                if not isinstance(exc, UnknownAccount | PositionHeld):
                    try:
                        self.keep_for_retry(item, exc, crawl_run_id=crawl_run_id)
                    except Exception:  # noqa: BLE001 — the database is gone: the caller reports the item
                        log.exception("could not keep %s for retry", type(item).__name__)
        return results

    def _store_item(self, s: Session, item: Any, crawl_run_id: int | None) -> bool | None:
        if isinstance(item, ActivityItem):
            return self._insert_activity(s, item, crawl_run_id).created
        if isinstance(item, PostItem):
            return self._upsert_post(s, item, crawl_run_id).created
        if isinstance(item, TombstoneItem):
            return self._mark_deleted(s, item.platform, item.external_id)
        if isinstance(item, FollowChangeItem):
            return self._follow_change(s, item, crawl_run_id)
        if isinstance(item, AccountStateItem):
            self._update_account(s, item)
            return None
        if isinstance(item, CrawlCheckpointItem):
            self._save_checkpoint(s, item)
            return None
        if isinstance(item, QuarantineItem):
            self.quarantine(item, crawl_run_id=crawl_run_id, session=s)
            return None
        raise TypeError(f"cannot store a {type(item).__name__}")

    @staticmethod
    def _account_row(
        s: Session, platform: str, account_id: int | None, watched_account_id: int | None, handle: str,
        *, for_update: bool = False,
    ) -> Account | WatchedAccount | None:
        # A resume point is read, merged and written back: two readings ending at once must not interleave.
        if account_id is not None:
            return s.get(Account, account_id, with_for_update=for_update)
        if watched_account_id is not None:
            return s.get(WatchedAccount, watched_account_id, with_for_update=for_update)
        query = select(Account).where(
            Account.platform == platform,
            or_(func.lower(Account.handle) == handle.lower(), Account.external_id == handle),
        )
        return s.scalar(query.with_for_update() if for_update else query)

    # -------------------------------------------------------------- plumbing

    def _retrying(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in its own transaction; retry once if a concurrent writer won a unique key.

        SQLite's "database is locked" (another process held the write lock past the busy timeout,
        e.g. a long import) is retried with growing, jittered waits instead of losing the write.
        """
        races = locks = 0
        while True:
            try:
                # Flushes are explicit where an id is needed; autoflush before every query costs more than the writes.
                with self.sessions.begin() as s, s.no_autoflush:
                    return work(s)
            except IntegrityError:
                races += 1
                if races == 2:
                    raise
                log.debug("unique-key race, retrying once", exc_info=True)
            except OperationalError as exc:
                locks += 1
                if not is_locked(exc) or locks >= LOCKED_ATTEMPTS:
                    raise
                wait = min(30.0, 0.5 * 2 ** locks) * (0.5 + random.random())
                log.warning("database locked by another writer; retrying in %.1f s", wait)
                time.sleep(wait)

"""The scheduler's job functions: thin wrappers that import what they call when they run.

The job store holds ``"monitor.ops.jobs:<function>"`` references only (:func:`resolve` turns one
into the function, naming the reference when it cannot). Each wrapper imports its target
(``spiders.runner``, ``monitor.classify.pipeline``, ``monitor.review.queue``, ``reports.weekly`` …)
when it runs, so a target that is broken fails that one run with a clear error — the scheduler
logs it and retries with backoff (``monitor.ops.scheduler.RetryOnError``) — and never stops the
store from loading the other jobs. Crawls are found in the platform table (``spiders.platforms``).
Every wrapper opens its own session on the configured database.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from monitor.config import get_settings

log = logging.getLogger(__name__)


class JobTargetMissing(ImportError):
    """A job's target function cannot be imported (its module is absent or broken)."""


def resolve(ref: str) -> Callable[..., Any]:
    """``"package.module:function"`` → the function, or ``JobTargetMissing`` naming the ref."""
    module_name, _, attr = ref.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise JobTargetMissing(f"job target {ref}: cannot import {module_name}: {exc}") from exc
    try:
        return getattr(module, attr)  # type: ignore[no-any-return]
    except AttributeError:
        raise JobTargetMissing(f"job target {ref}: {module_name} has no {attr}") from None


def crawl_account(account_id: int) -> list[int]:
    """Crawl one declared account (``spiders.runner.crawl``); returns the crawl run ids."""
    from monitor.db.schema import Account
    from monitor.db.session import session_scope
    from spiders.platforms import crawl_for
    from spiders.runner import crawl

    with session_scope() as session:
        account = session.get(Account, account_id)
        if account is None:
            log.warning("crawl: account %d is no longer in the registry", account_id)
            return []
        platform = account.platform
    kind = crawl_for(platform)
    if kind is None:
        log.info("crawl: %s accounts are collected by self-audit import only (or their API token is not set)",
                 platform)
        return []
    return crawl(kind, account_ids=[account_id], watched=False)


def crawl_watched_account(watched_account_id: int) -> list[int]:
    """Crawl one candidate/campaign account (``spiders.runner.crawl``); returns the crawl run ids."""
    from monitor.db.schema import WatchedAccount
    from monitor.db.session import session_scope
    from spiders.platforms import crawl_for
    from spiders.runner import crawl

    with session_scope() as session:
        watched = session.get(WatchedAccount, watched_account_id)
        if watched is None:
            log.warning("crawl: watched account %d no longer exists", watched_account_id)
            return []
        platform, handle = watched.platform, watched.handle
    kind = crawl_for(platform)
    if kind is None:
        return []
    return crawl(kind, handles=[handle], watched=True)


def classifier_lock(url: str) -> AbstractContextManager[None]:
    """On SQLite, the lock `netra classifier-worker` holds: one writer of classifications at a time, so a job and a
    worker never classify side by side (while a worker runs, it does the job's work and the job skips); nothing on
    PostgreSQL, whose workers claim rows with SKIP LOCKED."""
    from monitor.classify.worker import lock_path_or_none, single_worker_lock

    return single_worker_lock(url) if lock_path_or_none(url) is not None else nullcontext()


@contextmanager
def _classifier_for_active_profile(job: str, settings: Any) -> Iterator[tuple[Any, Any] | None]:
    """The configured classifier and the active election profile, with ``classifier_lock`` held while the job
    uses them; ``None`` (logged) when no profile is active or a classifier worker holds the lock."""
    from monitor.classify import load_configured_classifier
    from monitor.classify.worker import WorkerRefused
    from monitor.db.session import session_scope
    from monitor.registry.profiles import active_profile

    with session_scope() as session:
        profile = active_profile(session)
    if profile is None:
        log.warning("%s: no active election profile; load one with `netra profile load`", job)
        yield None
        return
    with ExitStack() as held:
        try:
            held.enter_context(classifier_lock(settings.resolved_database_url))
        except WorkerRefused as exc:
            log.info("%s: skipped, %s", job, exc)
            yield None
            return
        yield load_configured_classifier(settings=settings), profile


def classify_new() -> Any:
    """Classify what is new under the active election profile (``monitor.classify.pipeline.classify_pending``).

    The classifier comes from ``monitor.classify.load_configured_classifier`` (``settings.model_dir``,
    ``None`` for the bundled model). Without an active profile there is nothing to classify against.
    """
    from monitor.classify.pipeline import classify_pending
    from monitor.db.session import session_factory

    settings = get_settings()
    with _classifier_for_active_profile("classify", settings) as ready:
        if ready is None:
            return None
        classifier, profile = ready
        return classify_pending(session_factory(), classifier, profile, batch_size=settings.classify_batch_size)


def queue_flags() -> int:
    """Put flagged, not yet queued, supervisory activities in the review queue (``monitor.review.queue.enqueue``).

    Self-audit activities stay out: they enter the queue only when their agency submits them.
    """
    from sqlalchemy import select

    from monitor.db.schema import Activity, Classification, ReviewItem
    from monitor.db.session import session_scope
    from monitor.review.queue import enqueue

    queued = 0
    with session_scope() as session:
        rows = session.execute(
            select(Activity, Classification)
            .join(Classification, Classification.activity_id == Activity.id)
            .outerjoin(ReviewItem, ReviewItem.activity_id == Activity.id)
            .where(Classification.flagged.is_(True), ReviewItem.id.is_(None), Activity.self_audit.is_(False))
            .order_by(Activity.id, Classification.id.desc())
        ).all()
        seen: set[int] = set()
        for activity, classification in rows:
            if activity.id in seen:  # newest classification per activity
                continue
            seen.add(activity.id)
            enqueue(session, activity, classification)
            queued += 1
    log.info("queued %d flagged activities", queued)
    return queued


def build_weekly_reports() -> list[str]:
    """Render last ISO week's report for every agency and the combined one.

    Acts count in the week they happened (Monday 00:00 to Sunday 24:00 WIB), review states as of
    the job's run; every run keeps its own bundle (docs/reports.md).
    """
    from reports.period import previous_week
    from reports.weekly import build_all_weekly

    tz = ZoneInfo(get_settings().timezone)
    week = previous_week(datetime.now(tz))
    paths = build_all_weekly(week, created_by="scheduler")
    log.info("weekly reports for %s: %d files", week.label, len(paths))
    return [str(p) for p in paths]


def watch_profiles() -> dict[str, Any]:
    """Look at the public profile pages of declared accounts on the watched platforms; capture new posts."""
    from monitor.capture.watch import watch_profiles as watch

    result = watch()
    return {"accounts": result.accounts, "looked": result.looked, "new_posts": result.new_posts,
            "captured": result.captured, "failed": result.failed, "skipped": result.skipped, "walls": result.walls,
            "run_id": result.run_id}


def close_stale_runs() -> list[int]:
    """Close as failed the crawl and import runs left ``running`` by a process that died (kill -9, OOM)."""
    from spiders.store import IngestStore

    closed = IngestStore().close_stale_runs()
    if closed:
        log.warning("closed %d crawl/import runs whose process had died: %s", len(closed), closed)
    return closed


def crawl_factcheck(refetch: bool = False) -> dict[str, Any]:
    """Read the fact-check feeds (``NETRA_FACTCHECK_FEEDS``) and encode the new claims for hoax matching.

    Encoding here, once a day, spares the first classification after new claims the wait (docs/hoax.md).
    ``refetch`` (the weekly job) reads again the articles already stored, for revised verdicts.
    """
    from sqlalchemy import func, select

    from monitor.db.schema import ClaimReview
    from monitor.db.session import session_scope
    from monitor.hoax.service import INDEXED_VERDICTS, refresh_embeddings, shared_encoder
    from spiders.factcheck.runner import crawl_factcheck as crawl

    feeds = get_settings().factcheck_feeds
    if not feeds:
        log.info("factcheck: no feeds configured (NETRA_FACTCHECK_FEEDS); claims come from `netra hoax import`")
        return {"run": None, "encoded": 0}
    run_id = crawl(feeds, refetch=refetch)
    with session_scope() as session:
        indexed = session.scalar(select(func.count()).select_from(ClaimReview)
                                 .where(ClaimReview.verdict.in_(INDEXED_VERDICTS))) or 0
        encoded = refresh_embeddings(session, shared_encoder()) if indexed else 0
    log.info("factcheck: crawl run %d, %d claims encoded", run_id, encoded)
    return {"run": run_id, "encoded": encoded}


def rematch_hoaxes() -> dict[str, Any] | None:
    """Match the recent acts again against claims stored or revised after they were classified
    (``monitor.hoax.rematch``; ``NETRA_HOAX_REMATCH_DAYS``), under the active election profile."""
    from monitor.db.session import session_factory
    from monitor.hoax.rematch import rematch_recent

    settings = get_settings()
    if settings.hoax_rematch_days <= 0:
        return None
    with _classifier_for_active_profile("hoax rematch", settings) as ready:
        if ready is None:
            return None
        classifier, profile = ready
        result = rematch_recent(session_factory(), classifier, profile, days=settings.hoax_rematch_days,
                                batch_size=settings.classify_batch_size)
    return {"read": result.read, "found": result.found, "queued": result.queued}


def purge_expired() -> dict[str, Any]:
    """Retention purge of never-flagged activities and their evidence (recorded in the audit log)."""
    from monitor.db.session import session_scope
    from monitor.ops.retention import purge_unflagged

    with session_scope() as session:
        result = purge_unflagged(session, days=get_settings().retention_unflagged_days)
    return result.as_dict()


def sync_crawl_jobs() -> dict[str, Any]:
    """Re-read the registry and campaign period; add/update/remove per-account crawl jobs."""
    from monitor.db.session import session_scope
    from monitor.ops.scheduler import running_scheduler
    from monitor.ops.scheduler import sync_crawl_jobs as sync

    scheduler = running_scheduler()
    if scheduler is None:
        raise RuntimeError("sync_crawl_jobs runs inside a started Netra scheduler only")
    with session_scope() as session:
        result = sync(scheduler, session)
    return {"added": len(result.added), "updated": len(result.updated), "removed": len(result.removed),
            "interval_hours": result.interval_hours, "campaign": result.campaign}

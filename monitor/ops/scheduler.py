"""The scheduler that drives crawling, classification, queueing, reports and retention.

APScheduler 3.x ``BackgroundScheduler`` with its ``SQLAlchemyJobStore`` in Netra's own
database, so jobs survive restarts. Rules that keep the schedule honest:

- every job has a stable id and is added with ``replace_existing`` only when its spec
  changed, so restarting neither loses nor doubles a job and keeps unchanged next run times;
- jobs are stored as textual ``"module:function"`` references to the thin wrappers in
  ``monitor.ops.jobs``, which import their targets lazily: a target that is missing or broken
  fails that run (and is retried), it never stops the job store from loading;
- ``coalesce`` + ``misfire_grace_time``: runs missed while Netra was down are run once;
- a failed run is retried by a one-off ``<id>:retry`` job with exponential, bounded delay
  (``RetryPolicy``); the regular schedule of the job goes on regardless.

Times are Asia/Jakarta (``settings.timezone``): the weekly report fires Monday 07:00 WIB.
"""

from __future__ import annotations

import logging
import threading
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MISSED,
    JobExecutionEvent,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.job import Job
from apscheduler.jobstores.base import BaseJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.config import Settings, get_settings
from monitor.db.schema import Account, ElectionProfile, WatchedAccount

log = logging.getLogger(__name__)

JOBSTORE_TABLE = "scheduler_job"
RETRY_SUFFIX = ":retry"
# Interval triggers are anchored at a fixed instant so re-syncing the same interval
# reproduces the same schedule instead of restarting the clock.
INTERVAL_ANCHOR = datetime(2024, 1, 1, tzinfo=ZoneInfo("Asia/Jakarta"))

CRAWL_ACCOUNT_PREFIX = "crawl:account:"
CRAWL_WATCHED_PREFIX = "crawl:watched:"


@dataclass(frozen=True)
class RetryPolicy:
    """Retry a failed run after ``base_delay_s * 2**(attempt-1)`` seconds, at most ``max_attempts`` times."""

    base_delay_s: float = 60.0
    max_delay_s: float = 3600.0
    max_attempts: int = 5

    def delay_for(self, attempt: int) -> float:
        return min(self.base_delay_s * (2 ** (attempt - 1)), self.max_delay_s)


@dataclass(frozen=True)
class Schedule:
    """When the fixed jobs run. Crawl intervals come from settings (and the campaign period)."""

    classify_every_minutes: int = 15
    queue_every_minutes: int = 15
    sync_every_minutes: int = 15
    weekly_report_day: str = "mon"
    weekly_report_hour: int = 7
    weekly_report_minute: int = 0
    stale_runs_every_minutes: int = 15
    purge_hour: int = 2
    purge_minute: int = 30
    # Fact-checkers publish through the day; one early reading has the night's debunks before the workday.
    factcheck_hour: int = 5
    factcheck_minute: int = 15
    # The daily reading skips stored articles; once a week every article still in the feeds is read again,
    # so a verdict the fact-checker revised (e.g. "Menyesatkan" to "Salah") reaches the claims store.
    factcheck_recheck_day: str = "sun"
    factcheck_recheck_hour: int = 4
    factcheck_recheck_minute: int = 45
    # After the morning's fact-check reading: recent acts are matched against the claims it brought.
    hoax_rematch_hour: int = 5
    hoax_rematch_minute: int = 45
    misfire_grace_s: int = 6 * 3600
    workers: int = 4


@dataclass(frozen=True)
class JobSpec:
    """What a stored job is: compared on sync so only changed jobs are replaced."""

    id: str
    func: str
    trigger: BaseTrigger
    name: str
    args: tuple[Any, ...] = ()

    def key(self) -> tuple[str, tuple[Any, ...], str]:
        return (self.func, tuple(self.args), repr(self.trigger))


@dataclass
class SyncResult:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    interval_hours: float = 0.0
    campaign: bool = False


class RetryOnError:
    """Listener: log a failed run with its error and schedule a bounded, exponential retry."""

    def __init__(self, scheduler: BackgroundScheduler, policy: RetryPolicy) -> None:
        self.scheduler = scheduler
        self.policy = policy
        self._attempts: dict[str, int] = {}
        self._specs: dict[str, tuple[str, tuple[Any, ...], dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def __call__(self, event: JobExecutionEvent) -> None:
        base_id = event.job_id.removesuffix(RETRY_SUFFIX)
        if event.code == EVENT_JOB_EXECUTED:
            with self._lock:
                if self._attempts.pop(base_id, None) is not None:
                    log.info("job %s succeeded after retry", base_id)
            return
        if event.code == EVENT_JOB_MISSED:
            log.warning("job %s missed its run at %s", event.job_id, event.scheduled_run_time)
            return
        log.error(
            "job %s failed: %s: %s",
            event.job_id,
            type(event.exception).__name__,
            event.exception,
            exc_info=(type(event.exception), event.exception, event.exception.__traceback__)
            if event.exception
            else None,
        )
        spec = self._spec_of(event.job_id, base_id)
        if spec is None:
            log.error("job %s is no longer scheduled: not retried", event.job_id)
            return
        with self._lock:
            attempt = self._attempts.get(base_id, 0) + 1
            if attempt > self.policy.max_attempts:
                self._attempts.pop(base_id, None)
                log.error("job %s failed %d retries: giving up until its next run", base_id, attempt - 1)
                return
            self._attempts[base_id] = attempt
            retry_id = base_id + RETRY_SUFFIX
            self._specs[retry_id] = spec
        delay = self.policy.delay_for(attempt)
        func, args, kwargs = spec
        self.scheduler.add_job(
            func,
            trigger=DateTrigger(datetime.now(self.scheduler.timezone) + timedelta(seconds=delay)),
            args=args,
            kwargs=kwargs,
            id=retry_id,
            name=f"retry {attempt} of {base_id}",
            replace_existing=True,
        )
        log.warning("job %s: retry %d/%d in %.0f s", base_id, attempt, self.policy.max_attempts, delay)

    def attempts(self, base_id: str) -> int:
        with self._lock:
            return self._attempts.get(base_id, 0)

    def _spec_of(self, job_id: str, base_id: str) -> tuple[str, tuple[Any, ...], dict[str, Any]] | None:
        # A one-off job (a retry) is gone from the store once dispatched; remember its spec.
        for candidate in (job_id, base_id):
            job = self.scheduler.get_job(candidate)
            if job is not None:
                return (job.func_ref, tuple(job.args), dict(job.kwargs))
            with self._lock:
                if candidate in self._specs:
                    return self._specs[candidate]
        return None


class NetraScheduler(BackgroundScheduler):
    """``BackgroundScheduler`` that does no job processing once it is stopped.

    APScheduler 3's main loop wakes once more on shutdown and would process due jobs with
    the executors already closed: it advances their next run time without running them —
    a run lost, e.g. whenever ``netra jobs list`` (a paused scheduler) exits.
    """

    def _process_jobs(self) -> float | None:
        if self.state == STATE_STOPPED:
            return None
        return super()._process_jobs()  # type: ignore[no-any-return]


def make_jobstore(url: str | None = None) -> BaseJobStore:
    from monitor.db.session import get_engine, make_engine

    # Its own engine: the job store disposes it on shutdown, which must not touch the app's pool.
    url = url or get_settings().resolved_database_url
    get_engine(url)  # creates the SQLite file's directory when needed
    return SQLAlchemyJobStore(engine=make_engine(url), tablename=JOBSTORE_TABLE)


def build_scheduler(
    url: str | None = None,
    *,
    settings: Settings | None = None,
    schedule: Schedule | None = None,
    retry: RetryPolicy | None = None,
    jobstore: BaseJobStore | None = None,
) -> BackgroundScheduler:
    """A scheduler on Netra's database (not started). ``scheduler.retry_listener`` holds the retry state."""
    settings = settings or get_settings()
    schedule = schedule or Schedule()
    scheduler = NetraScheduler(
        jobstores={"default": jobstore or make_jobstore(url or settings.resolved_database_url)},
        executors={"default": ThreadPoolExecutor(max_workers=schedule.workers)},
        job_defaults={
            "coalesce": True,
            "misfire_grace_time": schedule.misfire_grace_s,
            "max_instances": 1,
        },
        timezone=ZoneInfo(settings.timezone),
    )
    listener = RetryOnError(scheduler, retry or RetryPolicy())
    scheduler.add_listener(listener, EVENT_JOB_ERROR | EVENT_JOB_EXECUTED | EVENT_JOB_MISSED)
    scheduler.retry_listener = listener  # type: ignore[attr-defined]
    return scheduler


def upsert_job(scheduler: BackgroundScheduler, spec: JobSpec) -> str:
    """Add or replace one job; returns "added", "updated" or "unchanged"."""
    existing = scheduler.get_job(spec.id)
    if existing is not None:
        if (existing.func_ref, tuple(existing.args), repr(existing.trigger)) == spec.key():
            return "unchanged"
    scheduler.add_job(
        spec.func,
        trigger=spec.trigger,
        args=spec.args,
        id=spec.id,
        name=spec.name,
        replace_existing=True,
    )
    return "updated" if existing is not None else "added"


def fixed_job_specs(tz: ZoneInfo, schedule: Schedule | None = None) -> list[JobSpec]:
    s = schedule or Schedule()
    return [
        JobSpec("classify", "monitor.ops.jobs:classify_new", _every(timedelta(minutes=s.classify_every_minutes), tz),
                "classify new activities"),
        JobSpec("queue_flags", "monitor.ops.jobs:queue_flags", _every(timedelta(minutes=s.queue_every_minutes), tz),
                "queue flagged activities for review"),
        JobSpec("sync_crawl_jobs", "monitor.ops.jobs:sync_crawl_jobs",
                _every(timedelta(minutes=s.sync_every_minutes), tz), "sync crawl jobs with the registry"),
        JobSpec("weekly_report", "monitor.ops.jobs:build_weekly_reports",
                CronTrigger(day_of_week=s.weekly_report_day, hour=s.weekly_report_hour,
                            minute=s.weekly_report_minute, timezone=tz),
                "weekly reports (previous ISO week)"),
        JobSpec("close_stale_runs", "monitor.ops.jobs:close_stale_runs",
                _every(timedelta(minutes=s.stale_runs_every_minutes), tz),
                "close crawl/import runs whose process died"),
        JobSpec("retention_purge", "monitor.ops.jobs:purge_expired",
                CronTrigger(hour=s.purge_hour, minute=s.purge_minute, timezone=tz),
                "purge unflagged data past retention"),
        # Profiles load in a browser, host by host with politeness delays: a slow cadence, jittered.
        JobSpec("capture_watch", "monitor.ops.jobs:watch_profiles",
                _every(timedelta(hours=get_settings().capture_watch_interval_hours), tz, jitter_s=600),
                "capture new posts of watched public profile pages"),
        JobSpec("factcheck", "monitor.ops.jobs:crawl_factcheck",
                CronTrigger(hour=s.factcheck_hour, minute=s.factcheck_minute, timezone=tz),
                "read fact-check feeds (hoax claims)"),
        JobSpec("factcheck_recheck", "monitor.ops.jobs:crawl_factcheck",
                CronTrigger(day_of_week=s.factcheck_recheck_day, hour=s.factcheck_recheck_hour,
                            minute=s.factcheck_recheck_minute, timezone=tz),
                "re-read fact-check articles for revised verdicts", args=(True,)),
        JobSpec("hoax_rematch", "monitor.ops.jobs:rematch_hoaxes",
                CronTrigger(hour=s.hoax_rematch_hour, minute=s.hoax_rematch_minute, timezone=tz),
                "match recent acts against newer hoax claims"),
    ]


def ensure_fixed_jobs(scheduler: BackgroundScheduler, schedule: Schedule | None = None) -> dict[str, str]:
    return {spec.id: upsert_job(scheduler, spec) for spec in fixed_job_specs(scheduler.timezone, schedule)}


def campaign_active(session: Session, day: date) -> bool:
    """True when ``day`` lies in the campaign period of any active election profile."""
    row = session.execute(
        select(ElectionProfile.id).where(
            ElectionProfile.active.is_(True),
            ElectionProfile.campaign_start.is_not(None),
            ElectionProfile.campaign_end.is_not(None),
            ElectionProfile.campaign_start <= day,
            ElectionProfile.campaign_end >= day,
        ).limit(1)
    ).first()
    return row is not None


def crawl_interval_hours(session: Session, day: date, settings: Settings | None = None) -> tuple[float, bool]:
    """domain.md §2: crawl more often during a campaign, never stop outside it."""
    settings = settings or get_settings()
    if campaign_active(session, day):
        return settings.campaign_crawl_interval_hours, True
    return settings.crawl_interval_hours, False


def crawl_job_specs(session: Session, interval_hours: float, tz: ZoneInfo,
                    platforms: set[str] | None = None) -> list[JobSpec]:
    """One crawl job per declared account and per watched account of an active profile.

    Only platforms a spider reads now get jobs (``platforms``, default: those of the platform table
    with a crawl that can run: X only with its API token; YouTube through its API key or, without
    one, its uploads feed); Instagram, Facebook and TikTok come in through self-audit exports. The
    sync every 15 minutes adds the jobs once a token is configured.
    """
    if platforms is None:
        from spiders.platforms import crawl_for, crawls

        platforms = {p for _spider, names in crawls().values() for p in names if crawl_for(p) is not None}
    specs: list[JobSpec] = []
    accounts = session.execute(
        select(Account.id, Account.platform, Account.handle).where(Account.platform.in_(sorted(platforms)))
        .order_by(Account.id)
    ).all()
    for account_id, platform, handle in accounts:
        specs.append(JobSpec(
            f"{CRAWL_ACCOUNT_PREFIX}{account_id}", "monitor.ops.jobs:crawl_account",
            _crawl_trigger(f"a{account_id}", interval_hours, tz), f"crawl {platform}:{handle}", (account_id,),
        ))
    watched = session.execute(
        select(WatchedAccount.id, WatchedAccount.platform, WatchedAccount.handle)
        .join(ElectionProfile, ElectionProfile.id == WatchedAccount.profile_id)
        .where(ElectionProfile.active.is_(True), WatchedAccount.platform.in_(sorted(platforms)))
        .order_by(WatchedAccount.id)
    ).all()
    for watched_id, platform, handle in watched:
        specs.append(JobSpec(
            f"{CRAWL_WATCHED_PREFIX}{watched_id}", "monitor.ops.jobs:crawl_watched_account",
            _crawl_trigger(f"w{watched_id}", interval_hours, tz), f"crawl watched {platform}:{handle}",
            (watched_id,),
        ))
    return specs


def sync_crawl_jobs(
    scheduler: BackgroundScheduler,
    session: Session,
    *,
    today: date | None = None,
    settings: Settings | None = None,
) -> SyncResult:
    """Create, update and remove per-account crawl jobs so they match the registry."""
    tz = scheduler.timezone
    today = today or datetime.now(tz).date()
    interval, campaign = crawl_interval_hours(session, today, settings)
    result = SyncResult(interval_hours=interval, campaign=campaign)
    wanted = crawl_job_specs(session, interval, tz)
    wanted_ids = {spec.id for spec in wanted}
    for spec in wanted:
        outcome = upsert_job(scheduler, spec)
        if outcome == "added":
            result.added.append(spec.id)
        elif outcome == "updated":
            result.updated.append(spec.id)
        else:
            result.unchanged += 1
    for job in scheduler.get_jobs():
        base = job.id.removesuffix(RETRY_SUFFIX)
        if base.startswith((CRAWL_ACCOUNT_PREFIX, CRAWL_WATCHED_PREFIX)) and base not in wanted_ids:
            scheduler.remove_job(job.id)
            result.removed.append(job.id)
    return result


def job_ids(jobs: Iterable[Job]) -> list[str]:
    return sorted(job.id for job in jobs)


def _every(interval: timedelta, tz: ZoneInfo, jitter_s: int | None = None) -> IntervalTrigger:
    return IntervalTrigger(seconds=int(interval.total_seconds()), start_date=INTERVAL_ANCHOR,
                           timezone=tz, jitter=jitter_s)


def _crawl_trigger(key: str, interval_hours: float, tz: ZoneInfo) -> IntervalTrigger:
    seconds = max(int(interval_hours * 3600), 60)
    # Spread accounts over the interval (a stable phase per account) and jitter each run
    # by up to 5% (≤ 15 min) so crawls never fire all at once against one platform.
    phase = zlib.crc32(key.encode()) % seconds
    jitter = max(1, min(seconds // 20, 900))
    return IntervalTrigger(seconds=seconds, start_date=INTERVAL_ANCHOR + timedelta(seconds=phase),
                           timezone=tz, jitter=jitter)


_running: BackgroundScheduler | None = None


def running_scheduler() -> BackgroundScheduler | None:
    """The scheduler started by ``start`` in this process (jobs that manage other jobs use it)."""
    return _running


def start(scheduler: BackgroundScheduler, *, paused: bool = False) -> BackgroundScheduler:
    global _running
    scheduler.start(paused=paused)
    if not paused:
        _running = scheduler
    return scheduler


def resume(scheduler: BackgroundScheduler) -> None:
    """Start processing jobs on a scheduler started paused (after ``prepare``)."""
    global _running
    scheduler.resume()
    _running = scheduler


@contextmanager
def managing(scheduler: BackgroundScheduler) -> Iterator[BackgroundScheduler]:
    """Make ``scheduler`` the one jobs manage (running one job by hand from the CLI)."""
    global _running
    previous, _running = _running, scheduler
    try:
        yield scheduler
    finally:
        _running = previous


def shutdown(scheduler: BackgroundScheduler, *, wait: bool = True) -> None:
    global _running
    if scheduler.running:
        scheduler.shutdown(wait=wait)
    if _running is scheduler:
        _running = None


def prepare(scheduler: BackgroundScheduler, session: Session, *, today: date | None = None,
            schedule: Schedule | None = None) -> SyncResult:
    """Make the stored jobs match this Netra: the fixed jobs and one crawl job per account."""
    ensure_fixed_jobs(scheduler, schedule)
    return sync_crawl_jobs(scheduler, session, today=today)

"""The scheduler with the real APScheduler on Netra's database.

Covers: triggers in Asia/Jakarta (the weekly cron fires Monday 07:00+07:00), crawl intervals
that shorten during a campaign, failure with bounded exponential retry, restart on the same
job store without loss or doubling, and coalescing of runs missed while down.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import func, select, table
from sqlalchemy.orm import Session

from monitor.db.schema import Account, Agency, ElectionProfile, Employee, WatchedAccount
from monitor.db.session import get_engine, session_factory
from monitor.ops import scheduler as sched
from monitor.ops.jobs import JobTargetMissing, resolve
from tests import scheduler_jobs

WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture(autouse=True)
def _reset_calls() -> None:
    scheduler_jobs.reset()


@pytest.fixture
def schedulers() -> Iterator[list[BackgroundScheduler]]:
    started: list[BackgroundScheduler] = []
    yield started
    for s in started:
        sched.shutdown(s, wait=False)


def _new(url: str, started: list[BackgroundScheduler], *, paused: bool = True,
         retry: sched.RetryPolicy | None = None) -> BackgroundScheduler:
    s = sched.build_scheduler(url, retry=retry)
    sched.start(s, paused=paused)
    started.append(s)
    return s


def _seed_registry(session: Session, *, campaign: tuple[date, date] | None) -> dict[str, int]:
    agency = Agency(code="KAB-A", name="Pemerintah Kabupaten A")
    session.add(agency)
    session.flush()
    emp = Employee(nip="198503122010011001", name="Budi", agency_id=agency.id)
    session.add(emp)
    session.flush()
    a1 = Account(employee_id=emp.id, platform="bluesky", handle="budi.bsky.social")
    a2 = Account(employee_id=emp.id, platform="mastodon", handle="budi@mastodon.example")
    active = ElectionProfile(id="pilkada-a", name="Pilkada A", source_yaml="id: pilkada-a", active=True,
                             campaign_start=campaign[0] if campaign else None,
                             campaign_end=campaign[1] if campaign else None)
    inactive = ElectionProfile(id="old", name="Lama", source_yaml="id: old", active=False,
                               campaign_start=date(2020, 1, 1), campaign_end=date(2030, 1, 1))
    session.add_all([a1, a2, active, inactive])
    session.flush()
    w1 = WatchedAccount(profile_id="pilkada-a", candidate_id="k1", platform="bluesky", handle="calon.bsky.social")
    w2 = WatchedAccount(profile_id="old", candidate_id="x", platform="bluesky", handle="lama.bsky.social")
    session.add_all([w1, w2])
    session.commit()
    return {"a1": a1.id, "a2": a2.id, "w1": w1.id, "w2": w2.id}


def test_weekly_cron_fires_monday_0700_wib(sqlite_db: str, schedulers: list[BackgroundScheduler]) -> None:
    s = _new(sqlite_db, schedulers)
    sched.ensure_fixed_jobs(s)
    job = s.get_job("weekly_report")
    assert job is not None and job.func_ref == "monitor.ops.jobs:build_weekly_reports"
    nxt = job.next_run_time
    assert nxt.utcoffset() == timedelta(hours=7)
    assert (nxt.isoweekday(), nxt.hour, nxt.minute) == (1, 7, 0)
    # Sunday 23:30 UTC is already Monday 06:30 WIB: the report fires 30 minutes later,
    # and after Monday 07:00 WIB the next one is a week away.
    trig = job.trigger
    assert trig.get_next_fire_time(None, datetime(2026, 11, 22, 23, 30, tzinfo=UTC)) == datetime(
        2026, 11, 23, 7, 0, tzinfo=WIB)
    assert trig.get_next_fire_time(None, datetime(2026, 11, 23, 7, 0, 1, tzinfo=WIB)) == datetime(
        2026, 11, 30, 7, 0, tzinfo=WIB)
    purge = s.get_job("retention_purge").next_run_time
    assert (purge.hour, purge.minute, purge.utcoffset()) == (2, 30, timedelta(hours=7))


def test_crawl_jobs_follow_registry_and_campaign(sqlite_db: str, schedulers: list[BackgroundScheduler]) -> None:
    session = session_factory(sqlite_db)()
    ids = _seed_registry(session, campaign=(date(2026, 9, 25), date(2026, 11, 23)))
    s = _new(sqlite_db, schedulers)

    before = sched.sync_crawl_jobs(s, session, today=date(2026, 9, 24))
    assert not before.campaign and before.interval_hours == 24.0
    wanted = {f"crawl:account:{ids['a1']}", f"crawl:account:{ids['a2']}", f"crawl:watched:{ids['w1']}"}
    assert set(before.added) == wanted  # the inactive profile's watched account is not crawled
    for job_id in wanted:
        trig = s.get_job(job_id).trigger
        assert isinstance(trig, IntervalTrigger) and trig.interval == timedelta(hours=24)
        assert 0 < trig.jitter <= 900
    assert s.get_job(f"crawl:account:{ids['a1']}").args == (ids["a1"],)
    # Accounts get different phases so they do not all fire at once.
    starts = {s.get_job(j).trigger.start_date for j in wanted}
    assert len(starts) == 3

    again = sched.sync_crawl_jobs(s, session, today=date(2026, 9, 24))
    assert (again.added, again.updated, again.unchanged) == ([], [], 3)

    during = sched.sync_crawl_jobs(s, session, today=date(2026, 9, 25))
    assert during.campaign and during.interval_hours == 6.0 and set(during.updated) == wanted
    assert s.get_job(f"crawl:watched:{ids['w1']}").trigger.interval == timedelta(hours=6)
    # The last campaign day still counts; the day after returns to the normal interval.
    assert sched.sync_crawl_jobs(s, session, today=date(2026, 11, 23)).interval_hours == 6.0
    assert sched.sync_crawl_jobs(s, session, today=date(2026, 11, 24)).interval_hours == 24.0

    session.delete(session.get(Account, ids["a2"]))
    session.commit()
    gone = sched.sync_crawl_jobs(s, session, today=date(2026, 11, 24))
    assert gone.removed == [f"crawl:account:{ids['a2']}"]
    assert s.get_job(f"crawl:account:{ids['a2']}") is None
    session.close()


def test_failed_job_is_retried_with_backoff_and_others_go_on(
    sqlite_db: str, schedulers: list[BackgroundScheduler]
) -> None:
    policy = sched.RetryPolicy(base_delay_s=0.2, max_delay_s=0.4, max_attempts=3)
    assert [policy.delay_for(n) for n in (1, 2, 3)] == [0.2, 0.4, 0.4]
    s = _new(sqlite_db, schedulers, paused=False, retry=policy)
    now = datetime.now(WIB)
    s.add_job("tests.scheduler_jobs:fail_times", "interval", hours=1, args=("flaky", 2), id="flaky",
              next_run_time=now)
    s.add_job("tests.scheduler_jobs:missing_target", "interval", hours=1, args=("missing",), id="missing",
              next_run_time=now)
    s.add_job("tests.scheduler_jobs:record", "interval", seconds=1, args=("steady",), id="steady",
              next_run_time=now)

    # flaky: fails twice, the second retry succeeds; the retry counter is then cleared.
    assert scheduler_jobs.wait_for("flaky", 3)
    assert scheduler_jobs.wait_for("missing", 4)  # 1 run + 3 retries, then it gives up
    assert scheduler_jobs.wait_for("steady", 2)
    import time

    time.sleep(1.0)
    assert scheduler_jobs.count("flaky") == 3
    assert scheduler_jobs.count("missing") == 4
    assert s.retry_listener.attempts("flaky") == 0
    assert s.get_job("missing:retry") is None
    # The regular schedules were never disturbed by the failures.
    assert s.get_job("flaky") is not None and s.get_job("missing") is not None


def test_missing_target_raises_clear_error() -> None:
    with pytest.raises(JobTargetMissing, match="tests.no_such_module"):
        resolve("tests.no_such_module:run")
    with pytest.raises(JobTargetMissing, match="has no nothing_here"):
        resolve("monitor.ops.jobs:nothing_here")


def test_restart_neither_loses_nor_doubles_jobs(db_url: str, schedulers: list[BackgroundScheduler]) -> None:
    session = session_factory(db_url)()
    _seed_registry(session, campaign=None)
    first = _new(db_url, schedulers)
    sched.prepare(first, session, today=date(2026, 11, 23))
    before = {j.id: j.next_run_time for j in first.get_jobs()}
    assert len(before) == len(sched.fixed_job_specs(first.timezone)) + 3
    sched.shutdown(first)

    second = _new(db_url, schedulers)
    result = sched.prepare(second, session, today=date(2026, 11, 23))
    assert (result.added, result.updated, result.removed) == ([], [], [])
    after = {j.id: j.next_run_time for j in second.get_jobs()}
    assert after == before  # same ids, same next run times: nothing re-jittered or rescheduled
    with get_engine(db_url).connect() as conn:
        rows = conn.execute(select(func.count()).select_from(table(sched.JOBSTORE_TABLE))).scalar_one()
    assert rows == len(before)
    session.close()


def test_missed_runs_are_coalesced_into_one(sqlite_db: str, schedulers: list[BackgroundScheduler]) -> None:
    down = _new(sqlite_db, schedulers)
    five_hours_ago = datetime.now(WIB) - timedelta(hours=5, minutes=1)
    down.add_job("tests.scheduler_jobs:record", "interval", hours=1, args=("missed",), id="hourly",
                 next_run_time=five_hours_ago)
    sched.shutdown(down)

    up = _new(sqlite_db, schedulers, paused=False)
    assert scheduler_jobs.wait_for("missed", 1)
    import time

    time.sleep(0.5)
    assert scheduler_jobs.count("missed") == 1  # five missed runs, run once
    assert up.get_job("hourly").next_run_time > datetime.now(WIB)

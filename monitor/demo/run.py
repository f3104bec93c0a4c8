"""The end-to-end demo on bundled sample data: registry → crawl → classify → queue → report → web app.

Everything runs for real: the Scrapy spiders crawl a local replay server that
answers in Bluesky's, Mastodon's, X's and YouTube's wire formats (``monitor/demo/replay.py``),
the fact-check spider reads a fact-checker's feed from the same server into the claims store,
the bundled model classifies and matches the acts against those claims, flags enter the review
queue, and the weekly report is rendered. Nothing leaves the machine.
"""

from __future__ import annotations

import logging
import os
import secrets
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import func, select

from monitor.config import get_settings, reset_settings_cache
from monitor.demo import DEMO_DATA

SAMPLE_REGISTRY = DEMO_DATA / "registry.csv"
DEMO_PROFILE = DEMO_DATA / "pilkada-2029-sukamaju.yaml"
DEMO_WEEK = "2029-W44"  # the week monitor/demo/data/activity.yaml is written in
DEMO_PROFILE_ID = "pilkada-sukamaju-demo"
PROFILE_DATES = ("registration_start", "determination_date", "campaign_start", "campaign_end", "voting_day")
# Crawling a local replay server needs no politeness delays.
FAST_CRAWL = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "RETRY_TIMES": 1}
LOG_FILE = "demo.log"  # in the demo's data directory
# Libraries whose console messages (font subsetting, TFLite delegates, crawl warnings) are for the log, not the
# person watching the demo.
NOISY_LOGGERS = ("weasyprint", "fontTools", "absl", "scrapy", "spiders", "py.warnings")
DEMO_USERS = (
    ("admin", "admin", None, ()),
    ("supervisor", "supervisor", None, ("dinkes-sukamaju", "disdik-sukamaju", "setda-sukamaju",
                                        "bkpsdm-sukamaju", "kec-sukamaju-utara")),
    ("reviewer", "reviewer", None, ("dinkes-sukamaju", "disdik-sukamaju", "kec-sukamaju-utara")),
    ("auditor.dinkes", "agency_auditor", "dinkes-sukamaju", ()),
)


class DemoError(RuntimeError):
    """A demo step failed; the message says which."""


def replay_shift(today: date) -> timedelta:
    """Whole weeks that move the written demo week onto the last complete week before ``today``.

    The demo's acts then happened last week and were captured now, as a real
    deployment would see them; whole weeks keep every act on its weekday.
    """
    written = date.fromisocalendar(2029, 44, 1)
    last_monday = today - timedelta(days=today.weekday() + 7)
    return timedelta(weeks=(last_monday - written).days // 7)


def shifted_profile(shift: timedelta, destination: Path) -> Path:
    """The fictional Pilkada profile with its dates moved like the demo's acts, as a new YAML file."""
    data: dict[str, Any] = yaml.safe_load(DEMO_PROFILE.read_text(encoding="utf-8"))
    for key in PROFILE_DATES:
        if isinstance(data.get(key), date):
            data[key] = data[key] + shift
    data["id"] = DEMO_PROFILE_ID
    data["name"] = "Pemilihan Bupati dan Wakil Bupati Sukamaju (demo)"
    destination.write_text(
        "# The demo's copy of profiles/pilkada-2029-sukamaju.yaml, dates moved to the demo week.\n"
        + yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return destination


@dataclass
class DemoResult:
    home: Path
    database_url: str
    crawl_runs: list[int] = field(default_factory=list)
    crawl_errors: int = 0
    claims: int = 0  # fact-checked claims stored from the demo's fact-check feed
    activities: int = 0
    classified: int = 0
    flagged: int = 0
    queued: int = 0
    hoax_flagged: int = 0  # acts found repeating a claim the demo's fact-checker rated false
    reports: list[str] = field(default_factory=list)
    week: str = ""
    # Public post pages captured like tips (monitor/demo/capture.py) and the ones that failed, with why.
    captured_pages: int = 0
    capture_failures: list[str] = field(default_factory=list)
    users: list[tuple[str, str, str]] = field(default_factory=list)  # username, password, role
    log: Path | None = None  # what the libraries said while the demo ran


def use_home(home: Path) -> None:
    """Point every library function at the demo's own data directory and SQLite database."""
    home.mkdir(parents=True, exist_ok=True)
    os.environ["NETRA_HOME"] = str(home)
    os.environ.pop("NETRA_DATABASE_URL", None)
    reset_settings_cache()


@contextmanager
def library_output_to(log: Path) -> Iterator[None]:
    """While a step runs, send what libraries print to ``log`` instead of the console.

    Python loggers get a file handler. MediaPipe's TFLite and absl logging (and the crawl's child process)
    write to file descriptor 2 from native code, and GLOG_minloglevel / TF_CPP_MIN_LOG_LEVEL were measured
    not to quiet mediapipe 0.10.14 — so descriptor 2 itself points at the log for the step.
    """
    handler = logging.FileHandler(log, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    loggers = [logging.getLogger(name) for name in NOISY_LOGGERS]
    propagate = [logger.propagate for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.propagate = False
    sys.stderr.flush()
    console_fd = os.dup(2)
    log_fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.dup2(log_fd, 2)
    os.close(log_fd)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(console_fd, 2)
        os.close(console_fd)
        for logger, before in zip(loggers, propagate, strict=True):
            logger.removeHandler(handler)
            logger.propagate = before
        handler.close()


def run_demo(home: Path, *, say: Callable[[str], None] = print) -> DemoResult:
    """Run every step of the demo in ``home`` (which should be new or empty)."""
    from monitor.access.users import create_user
    from monitor.classify import load_configured_classifier
    from monitor.classify.pipeline import classify_pending
    from monitor.db.migrate import upgrade
    from monitor.db.schema import Account, Activity, Agency, ClaimReview, Classification
    from monitor.db.session import session_factory, session_scope
    from monitor.demo.capture import capture_demo_pages, serve_capture_pages
    from monitor.demo.replay import DEMO_X_TOKEN, DEMO_YOUTUBE_KEY, demo_factcheck, demo_server, load_spec
    from monitor.registry.importer import import_registry
    from monitor.registry.profiles import active_profile, store_profile
    from reports.period import previous_week
    from reports.weekly import build_weekly_report
    from spiders.factcheck.runner import crawl_factcheck
    from spiders.runner import crawl
    from spiders.store import IngestStore

    use_home(home)
    settings = get_settings()
    log = home / LOG_FILE
    result = DemoResult(home=home, database_url=settings.resolved_database_url, log=log)
    now = datetime.now(ZoneInfo(settings.timezone))
    shift = replay_shift(now.date())
    # Reports count acts in the week they happened: the replayed acts happened last week (crawled now),
    # so the demo's report is last week's, the one `netra report weekly --all` builds by default.
    week = previous_week(now)
    result.week = week.label

    say("1/6 database, registry and election profile")
    upgrade()
    with session_scope() as session:
        imported = import_registry(session, SAMPLE_REGISTRY)
        if imported.errors:
            raise DemoError(f"sample registry has errors: {imported.errors[0]}")
        store_profile(session, shifted_profile(shift, home / "profile-demo.yaml"))
        declared = {(p, h) for p, h in session.execute(select(Account.platform, Account.handle))}

    say("2/6 crawling the local replay server with the Bluesky, Mastodon, X, YouTube and fact-check spiders")
    server = demo_server(declared_handles=declared, shift=shift)
    serve_capture_pages(server, now)
    base_url = server.start()
    # The replay server's X app token and YouTube key; a real deployment configures its own.
    os.environ["NETRA_X_BEARER_TOKEN"] = DEMO_X_TOKEN
    os.environ["NETRA_YOUTUBE_API_KEY"] = DEMO_YOUTUBE_KEY
    reset_settings_cache()
    try:
        with library_output_to(log):  # `say` stays on the console, between the steps
            for platform in ("bluesky", "mastodon", "x", "youtube"):
                result.crawl_runs += crawl(platform, base_url=base_url, scrapy_settings=FAST_CRAWL)
            # The fact-checker's claims are read before classifying, so the week's acts are matched against them.
            factcheck = demo_factcheck(load_spec(), shift)
            if factcheck is not None:
                result.crawl_runs.append(crawl_factcheck([factcheck.feed_url], base_url=base_url,
                                                         scrapy_settings=FAST_CRAWL))
        say("    capturing Instagram, TikTok and Facebook post pages (headless Chromium)")
        with library_output_to(log):
            captures = capture_demo_pages(base_url)
        result.captured_pages, result.capture_failures = captures.captured, captures.failed
    finally:
        server.stop()
    store = IngestStore()
    failed = [store.run(r) for r in result.crawl_runs if store.run(r).status == "failed"]
    if failed:
        raise DemoError(f"crawl run {failed[0].id} failed: {(failed[0].error_log or [{}])[0].get('error')}")
    result.crawl_errors = sum(store.run(r).errors for r in result.crawl_runs)

    say("3/6 classifying with the bundled model")
    with library_output_to(log):
        classifier = load_configured_classifier()
        with session_scope() as session:
            profile = active_profile(session)
        if profile is None:
            raise DemoError("no active election profile")
        summary = classify_pending(session_factory(), classifier, profile)
    result.classified, result.flagged, result.queued = summary.classified, summary.flagged, summary.queued
    with session_scope() as session:
        result.claims = session.scalar(select(func.count(ClaimReview.id))) or 0
        result.hoax_flagged = session.scalar(select(func.count(Classification.id)).where(
            Classification.hoax.is_(True))) or 0

    say("4/6 demo users")
    with session_scope() as session:
        result.activities = session.scalar(select(func.count(Activity.id))) or 0
        for username, role, agency, scope in DEMO_USERS:
            password = secrets.token_urlsafe(9)
            create_user(session, username, password, role, agency_code=agency, scope_codes=scope,
                        full_name=f"Demo {role}")
            result.users.append((username, password, role))

    say(f"5/6 weekly reports for {week.label}")
    with session_scope() as session:
        agency_ids = list(session.scalars(select(Agency.id).order_by(Agency.code)))
    made = datetime.now(ZoneInfo(settings.timezone))  # one moment: the reports agree and share a directory
    with library_output_to(log):
        for agency_id in [None, *agency_ids]:
            with session_scope() as session:
                rows = build_weekly_report(session, week, agency_id, created_by="demo", now=made)
                result.reports += [r.path for r in rows]
    say("6/6 done")
    return result

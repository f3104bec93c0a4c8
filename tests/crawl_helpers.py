"""Running a real crawl (real Scrapy engine, real HTTP) against the replay server in tests."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from sqlalchemy import func, select

from monitor.db.schema import Activity, CrawlRun
from monitor.db.session import session_scope
from spiders.runner import crawl

# Tiny waits so fault tests finish in seconds; the logic is the production logic.
FAST = {
    "NETRA_RETRY_BASE_DELAY": 0.01,
    "NETRA_RETRY_MAX_DELAY": 0.3,
    "DOWNLOAD_TIMEOUT": 1,
    "AUTOTHROTTLE_ENABLED": False,
    "NETRA_PAGE_SIZE": 3,
    "NETRA_MAX_PAGES": 10,
    "NETRA_WATCHED_PAGES": 1,
    # Only ingestion: the fixtures' image URLs are real CDN hosts, and the media pipeline has its own tests.
    "ITEM_PIPELINES": {"spiders.pipelines.IngestPipeline": 300},
}


def run(kind: str, base_url: str, db_url: str, *, watched: bool = True, handles: list[str] | None = None,
        **settings: Any) -> CrawlRun:
    run_ids = crawl(kind, handles=handles, watched=watched, base_url=base_url, database_url=db_url,
                    scrapy_settings={**FAST, **settings})
    assert len(run_ids) == 1
    with session_scope(db_url) as s:
        return s.get(CrawlRun, run_ids[0])


def activities(db_url: str) -> list[tuple[str, str, str]]:
    """(account handle, kind, external_id) of every stored activity, sorted."""
    with session_scope(db_url) as s:
        rows = s.scalars(select(Activity)).all()
        return sorted((a.account.handle, a.kind, a.external_id) for a in rows)


def activity_count(db_url: str) -> int:
    with session_scope(db_url) as s:
        return s.scalar(select(func.count(Activity.id))) or 0


def start_slow_bluesky_crawl(db_url: str, base_url: str, handle: str) -> subprocess.Popen[bytes]:
    """``netra crawl bluesky`` for one account in a session of its own, five posts a page, committing every
    0.05 s: with a slow feed, a crawl that can be killed (its process group) in the middle."""
    env = {**os.environ, "NETRA_DATABASE_URL": db_url, "NETRA_PAGE_SIZE": "5", "NETRA_MAX_PAGES": "100",
           "NETRA_COMMIT_WAIT": "0.05"}
    return subprocess.Popen([sys.executable, "-m", "monitor", "crawl", "bluesky", "--base-url", base_url,
                             "--handle", handle, "--no-watched"], env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_until_group_gone(group: int, timeout: float = 30.0) -> None:
    """Wait until no live process of process group ``group`` is left (zombies count as gone).

    ``killpg(…, SIGKILL)`` only sends the signal: a process of the group busy in the kernel (writing its database
    under load) dies a moment later, and until then it is, rightly, a live owner of its crawl run.
    """
    import time
    from pathlib import Path

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        live = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:
                continue  # ended while we looked
            if len(fields) > 2 and int(fields[2]) == group and fields[0] != "Z":
                live.append(stat.parent.name)
        if not live:
            return
        time.sleep(0.05)
    raise AssertionError(f"processes of group {group} still alive {timeout} s after SIGKILL")


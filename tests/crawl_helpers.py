"""Running a real crawl (real Scrapy engine, real HTTP) against the replay server in tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

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

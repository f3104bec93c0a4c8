"""``scrapy.cfg``: Scrapy's own ``scrapy list`` and ``scrapy crawl`` from the repository root."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from monitor.db.schema import CrawlRun
from monitor.db.session import session_scope
from spiders.platforms import PLATFORMS
from spiders.replay import ReplayServer
from tests.conftest import REPO
from tests.crawl_helpers import activities
from tests.declared import add_declared

RINA = "rinapratiwi.bsky.social"
# As tests.crawl_helpers.FAST: the fixtures' pages hold 3 records; only ingestion (image URLs are real CDN hosts).
FAST = ["-s", "NETRA_PAGE_SIZE=3", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "NETRA_RETRY_BASE_DELAY=0.01",
        "-s", 'ITEM_PIPELINES={"spiders.pipelines.IngestPipeline": 300}']


def scrapy(*args: str, database_url: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NETRA_DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer(PLATFORMS["bluesky"].fixtures) as replay:
        yield replay


def test_scrapy_list_names_every_crawl(sqlite_url: str) -> None:
    proc = scrapy("list", database_url=sqlite_url)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["bluesky", "feed", "mastodon", "x", "youtube"]


@pytest.mark.parametrize("server_option", ["setting", "argument"])
def test_scrapy_crawl_one_declared_account(server_option: str, server: ReplayServer, sqlite_db: str) -> None:
    add_declared(sqlite_db, "bluesky", RINA)
    add_declared(sqlite_db, "bluesky", "agussetiawan.bsky.social", nip="199001152015032002")
    where = (["-s", f"NETRA_BLUESKY_BASE_URL={server.base_url}"] if server_option == "setting"
             else ["-a", f"base_url={server.base_url}"])
    proc = scrapy("crawl", "bluesky", "-a", f"handle={RINA}", *where, *FAST, database_url=sqlite_db)
    assert proc.returncode == 0, proc.stderr

    stored = activities(sqlite_db)
    assert stored and {handle for handle, _kind, _id in stored} == {RINA}
    assert ("post" in {kind for _h, kind, _id in stored})
    with session_scope(sqlite_db) as s:
        [run] = s.scalars(select(CrawlRun)).all()
        assert (run.spider, run.platform, run.status) == ("BlueskySpider", "bluesky", "succeeded")
        assert run.target == f"1 accounts: {RINA}"  # planned as `netra crawl bluesky --handle` plans
        assert run.items_stored == len(stored) and run.errors == 0
    assert server.hits_for("/xrpc/app.bsky.feed.getAuthorFeed")


def test_scrapy_crawl_refuses_an_account_nobody_declared(server: ReplayServer, sqlite_db: str) -> None:
    proc = scrapy("crawl", "bluesky", "-a", "handle=nobody.bsky.social", "-a", f"base_url={server.base_url}",
                  database_url=sqlite_db)
    assert proc.returncode != 0
    assert "not a declared or watched bluesky account: nobody.bsky.social" in proc.stderr
    assert server.hits == []
    with session_scope(sqlite_db) as s:
        assert s.scalars(select(CrawlRun)).all() == []

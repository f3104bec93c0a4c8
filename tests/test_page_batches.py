"""A response's items travel through Scrapy as one batch (spiders/batching.py) and are stored as one by one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler
from sqlalchemy import text

from monitor.db.migrate import upgrade
from monitor.db.session import get_engine
from spiders.batching import batches_wanted
from tests.bluesky_feed import HANDLE, FeedServer
from tests.crawl_helpers import activities, run
from tests.declared import add_declared

INGEST = {"spiders.pipelines.IngestPipeline": 300}
MEDIA = {"spiders.media_pipeline.MediaPipeline": 400}


@pytest.fixture
def feed() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


class Collector:
    """A pipeline that does not know batches."""

    def process_item(self, item: object) -> object:
        return item


@pytest.mark.parametrize(("settings", "wanted"), [
    ({"ITEM_PIPELINES": INGEST}, True),
    ({"ITEM_PIPELINES": {**INGEST, **MEDIA}}, True),
    ({"ITEM_PIPELINES": {**INGEST, f"{__name__}.Collector": 500}}, False),
    ({"ITEM_PIPELINES": {**INGEST, **MEDIA, "spiders.media_pipeline.MediaPipeline": None}}, True),
    ({"ITEM_PIPELINES": {}}, False),  # parse only: items one by one, as Scrapy documents them
    ({"ITEM_PIPELINES": INGEST, "FEEDS": {"out.jsonl": {"format": "jsonlines"}}}, False),
    ({"ITEM_PIPELINES": INGEST, "NETRA_PAGE_BATCHES": False}, False),
])
def test_batches_only_where_every_pipeline_takes_them_and_no_feed_reads_items(settings: dict, wanted: bool) -> None:
    assert batches_wanted(get_crawler(settings_dict=settings)) is wanted


def test_a_crawl_in_batches_stores_and_counts_what_one_by_one_stores(feed: FeedServer, db_url: str,
                                                                        tmp_path: Path) -> None:
    single = f"sqlite:///{tmp_path}/single.db"
    upgrade(single)
    feed.add_posts(23)
    runs = {}
    for url, batches in ((db_url, True), (single, False)):
        add_declared(url, "bluesky", HANDLE)
        runs[batches] = run("bluesky", feed.base_url, url, watched=False, NETRA_PAGE_SIZE=5,
                            NETRA_PAGE_BATCHES=batches)
    batched, one_by_one = runs[True], runs[False]
    assert batched.status == one_by_one.status == "succeeded", (batched.error_log, one_by_one.error_log)
    assert activities(db_url) == activities(single) and len(activities(db_url)) == 23
    assert (batched.items_seen, batched.items_stored) == (one_by_one.items_seen, one_by_one.items_stored)
    # Scrapy's count is of acts either way; only the batched run went through Scrapy a page at a time.
    assert batched.stats["item_scraped_count"] == one_by_one.stats["item_scraped_count"] > 23
    assert batched.stats["netra/item_batches"] >= 5 and "netra/item_batches" not in one_by_one.stats


def test_an_act_refused_inside_a_batch_is_dropped_alone_and_counted(feed: FeedServer, sqlite_db: str) -> None:
    add_declared(sqlite_db, "bluesky", HANDLE)
    uris = feed.add_posts(8)
    with get_engine(sqlite_db).begin() as conn:
        conn.execute(text(f"CREATE TRIGGER refuse_one BEFORE INSERT ON activity WHEN NEW.external_id = '{uris[2]}' "
                          "BEGIN SELECT RAISE(ABORT, 'disk says no'); END"))
    held = run("bluesky", feed.base_url, sqlite_db, watched=False, NETRA_PAGE_SIZE=50)
    assert held.stats["netra/item_batches"] >= 1
    assert held.status == "partial" and held.store_failures == 1
    assert held.stats["item_dropped_count"] >= 1  # the refused act (and the resume point it would have moved)
    assert {a[2] for a in activities(sqlite_db)} == set(uris) - {uris[2]}

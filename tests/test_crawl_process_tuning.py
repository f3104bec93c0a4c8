"""What a crawl's process changes for speed, and gives back: garbage collection, per-item logging.

The collector is relaxed while an engine runs (nested for several spiders in one process) and its
thresholds and frozen objects are restored when the last one stops; a scraped item is logged as
one line without its evidence bytes at DEBUG, and not at all above.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator

import pytest
from scrapy.http import TextResponse

from spiders import garbage_collection
from spiders.extensions import CrawlGarbageCollection
from spiders.items import ActivityItem, PostItem
from spiders.logformatter import NetraLogFormatter
from tests.bluesky_feed import HANDLE, FeedServer
from tests.declared import add_declared

RELAXED = (garbage_collection.GEN0_THRESHOLD, garbage_collection.GEN1_EVERY, garbage_collection.GEN2_EVERY)


@pytest.fixture
def default_collector() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    while garbage_collection._holders:
        garbage_collection.restore()
    gc.set_threshold(*before)
    gc.unfreeze()


def test_relax_and_restore_nest_and_give_everything_back(default_collector: None) -> None:
    before = gc.get_threshold()
    first, second = CrawlGarbageCollection(), CrawlGarbageCollection()
    first.engine_started()
    assert gc.get_threshold() == RELAXED
    assert gc.get_freeze_count() > 0
    second.engine_started()
    first.engine_stopped()
    assert gc.get_threshold()[0] == garbage_collection.GEN0_THRESHOLD  # the second spider still runs
    second.engine_stopped()
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
    second.engine_stopped()  # a second stop changes nothing
    assert gc.get_threshold() == before


class ThresholdProbe:
    """An extension of the crawl under test: the collector's thresholds while its spider runs."""

    seen: list[tuple[int, int, int]] = []

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        from scrapy import signals

        probe = cls()
        crawler.signals.connect(probe.spider_closed, signal=signals.spider_closed)  # held weakly: a method
        return probe

    def spider_closed(self) -> None:
        self.seen.append(gc.get_threshold())


PROBE = """
import gc, json, sys
from spiders.runner import crawl_in_this_process, plan_crawl
from tests.test_crawl_process_tuning import ThresholdProbe
before = gc.get_threshold()
settings = {"EXTENSIONS": {"spiders.extensions.CrawlGarbageCollection": 0,
                           "tests.test_crawl_process_tuning.ThresholdProbe": 10},
            "ITEM_PIPELINES": {"spiders.pipelines.IngestPipeline": 300}}
crawl_in_this_process([plan_crawl("bluesky", handles=[sys.argv[1]], watched=False, base_url=sys.argv[2])],
                      scrapy_settings=settings)
print(json.dumps({"before": before, "during": ThresholdProbe.seen, "after": gc.get_threshold(),
                  "frozen_after": gc.get_freeze_count()}))
"""


def test_a_crawl_relaxes_the_collector_while_it_runs_and_gives_it_back(sqlite_db: str) -> None:
    import json
    import os
    import subprocess
    import sys

    with FeedServer() as feed:
        add_declared(sqlite_db, "bluesky", HANDLE)
        feed.add_posts(12)
        out = subprocess.run([sys.executable, "-c", PROBE, HANDLE, feed.base_url], capture_output=True, text=True,
                             env={**os.environ, "NETRA_DATABASE_URL": sqlite_db}, timeout=120, check=True)
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["during"] == [list(RELAXED)]
    assert seen["after"] == seen["before"] and seen["frozen_after"] == 0


def item() -> ActivityItem:
    own = PostItem(platform="bluesky", external_id="at://did:plc:x/app.bsky.feed.post/1", text="teks",
                   raw=b'{"rahasia":"bytes bukti"}')
    return ActivityItem(platform="bluesky", kind="post", external_id=own.external_id, account_id=1, post=own)


def test_scraped_items_are_not_logged_above_debug() -> None:
    response = TextResponse("http://replay/feed", body=b"{}")
    assert NetraLogFormatter(logging.WARNING).scraped(item(), response, None) is None  # type: ignore[arg-type]


def test_at_debug_a_scraped_item_is_one_line_without_its_bytes() -> None:
    response = TextResponse("http://replay/feed", body=b"{}")
    entry = NetraLogFormatter(logging.DEBUG).scraped(item(), response, None)  # type: ignore[arg-type]
    assert entry is not None and entry["level"] == logging.DEBUG
    line = entry["msg"] % entry["args"]
    assert "ActivityItem bluesky post at://did:plc:x/app.bsky.feed.post/1" in line
    assert "rahasia" not in line and "http://replay/feed" in line


def test_at_debug_a_batch_is_one_line_with_its_length_not_its_items() -> None:
    from spiders.items import ItemBatch

    response = TextResponse("http://replay/feed", body=b"{}")
    entry = NetraLogFormatter(logging.DEBUG).scraped(ItemBatch([item(), item()]), response, None)  # type: ignore[arg-type]
    assert entry is not None
    line = entry["msg"] % entry["args"]
    assert "ItemBatch of 2 item(s)" in line and "rahasia" not in line

"""The Scrapy item pipeline: every item goes into the ingestion store in small transactions.

Items are committed together in small batches (``NETRA_COMMIT_EVERY`` items
or ``NETRA_COMMIT_WAIT`` seconds, whichever comes first), in the order the
spider yielded them; an item is passed on (acknowledged) only after its
batch committed, so a crash loses nothing acknowledged, and an account's
resume point never commits before the items it vouches for. The store's keys
make a re-crawl of the same pages write nothing twice. The pipeline also owns the crawl run: it
counts items, records the errors that spiders and middlewares signal, and
closes the run with Scrapy's stats when the spider finishes.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from spiders.base import crawl_error
from spiders.store import IngestStore, UnknownAccount

log = logging.getLogger(__name__)

COUNT_FLUSH_EVERY = 50  # items between counter updates on the crawl run
KEPT_STATS = (
    "downloader/request_count", "downloader/response_count", "item_scraped_count", "item_dropped_count",
    "retry/count", "retry/max_reached", "netra/errors", "netra/retry_wait_seconds", "elapsed_time_seconds",
    "finish_reason",
)


class IngestPipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.store = IngestStore(crawler.settings.get("NETRA_DATABASE_URL"))
        self.run_id: int | None = None
        # Items wait at most COMMIT_WAIT seconds or until COMMIT_EVERY are queued, then commit together.
        self.commit_every = crawler.settings.getint("NETRA_COMMIT_EVERY", 50)
        self.commit_wait = crawler.settings.getfloat("NETRA_COMMIT_WAIT", 0.2)
        self._pending: list[tuple[Any, asyncio.Future[bool | None | Exception]]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="netra-ingest")
        self._writing: set[asyncio.Future[list[bool | None | Exception]]] = set()
        self.seen = self.stored = 0
        self._unflushed = 0
        crawler.signals.connect(self.on_crawl_error, signal=crawl_error)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IngestPipeline:
        return cls(crawler)

    @property
    def spider(self) -> Spider:
        assert self.crawler.spider is not None
        return self.crawler.spider

    def open_spider(self) -> None:
        spider = self.spider
        self.run_id = getattr(spider, "crawl_run_id", None)
        if self.run_id is None:
            platform = getattr(spider, "platform", None) or None
            self.run_id = self.store.start_run(spider.name, platform)
            spider.crawl_run_id = self.run_id  # type: ignore[attr-defined]

    async def process_item(self, item: Any) -> Any:
        """Queue the item for the next commit and pass it on only once that commit succeeded."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[bool | None | Exception] = loop.create_future()
        self._pending.append((item, done))
        if len(self._pending) >= self.commit_every:
            self._commit()
        elif self._timer is None:
            self._timer = loop.call_later(self.commit_wait, self._commit)
        result = await done
        if isinstance(result, Exception):
            account = str(result) if isinstance(result, UnknownAccount) else None
            self.on_crawl_error(account=account, url=getattr(item, "source_url", None),
                                error=f"could not store {type(item).__name__}: {result}")
            raise DropItem(str(result))
        if result is not None:
            self.seen += 1
            self.stored += int(result)
            self._unflushed += 1
            if self._unflushed >= COUNT_FLUSH_EVERY:
                self._flush_counts()
        return item

    def _commit(self) -> None:
        """Hand the queued items to the writer thread as one transaction.

        One writer thread keeps batches in order and lets Scrapy go on
        downloading and parsing while the database works.
        """
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self._pending = self._pending, []
        if not batch:
            return
        loop = asyncio.get_running_loop()
        writing = loop.run_in_executor(self._writer, self._store_batch, [item for item, _ in batch])
        self._writing.add(writing)

        def resolve(done_writing: asyncio.Future[list[bool | None | Exception]]) -> None:
            self._writing.discard(done_writing)
            for (_item, done), result in zip(batch, done_writing.result(), strict=True):
                if not done.done():
                    done.set_result(result)

        writing.add_done_callback(resolve)

    def _store_batch(self, items: list[Any]) -> list[bool | None | Exception]:
        try:
            return self.store.store_batch(items, crawl_run_id=self.run_id)
        except Exception as exc:  # the database itself failed: every item of the batch is reported
            log.exception("commit of %d items failed", len(items))
            return [exc] * len(items)

    def _flush_counts(self) -> None:
        if self.run_id is not None and (self.seen or self.stored):
            self.store.add_counts(self.run_id, seen=self.seen, stored=self.stored)
        self.seen = self.stored = self._unflushed = 0

    def on_crawl_error(self, account: str | None, url: str | None, error: str) -> None:
        if self.run_id is None:
            log.error("error before the crawl run opened: %s (%s, %s)", error, account, url)
            return
        self.store.record_error(self.run_id, account=account, url=url, error=error)

    async def close_spider(self) -> None:
        self._commit()
        if self._writing:
            await asyncio.gather(*self._writing)
        self._writer.shutdown(wait=True)
        self._flush_counts()
        if self.run_id is None:
            return
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        kept = {k: (v if isinstance(v, int | float | str) else str(v)) for k, v in stats.items() if k in KEPT_STATS}
        kept.update({k: v for k, v in stats.items() if k.startswith("downloader/response_status_count/")})
        self.store.finish_run(self.run_id, stats=kept)

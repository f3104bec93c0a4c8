"""The fact-check spider's item pipeline: claims into the claims store, counts and errors onto the crawl run.

Claims are few (tens a day per fact-checker), so they are stored in batches of
:data:`STORE_EVERY` in the writer thread and once more when the spider closes. The crawl run is the
same record every crawl keeps (``netra runs``): claims read, new claims stored, the errors spiders
and middlewares signal, Scrapy's stats.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from scrapy.crawler import Crawler

from spiders.base import crawl_error
from spiders.factcheck.spider import ClaimItem
from spiders.factcheck.store import ClaimStore
from spiders.pipelines import KEPT_STATS
from spiders.store import IngestStore

log = logging.getLogger(__name__)

STORE_EVERY = 50
FACTCHECK_STATS = ("netra/factcheck_feeds_read", "netra/factcheck_articles_listed", "netra/factcheck_articles_known",
                   "netra/factcheck_articles_without_claimreview")


class ClaimPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        url = crawler.settings.get("NETRA_DATABASE_URL")
        self.runs = IngestStore(url)
        self.claims = ClaimStore(url)
        self.pending: list[ClaimItem] = []
        self.run_id: int | None = None
        crawler.signals.connect(self.on_crawl_error, signal=crawl_error)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClaimPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        spider = self.crawler.spider
        self.run_id = getattr(spider, "crawl_run_id", None)
        if self.run_id is None:
            self.run_id = self.runs.start_run("FactCheckSpider", None, "fact-check feeds")
            spider.crawl_run_id = self.run_id  # type: ignore[union-attr]
        else:
            self.runs.heartbeat(self.run_id)

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, ClaimItem):
            self.pending.append(item)
            if len(self.pending) >= STORE_EVERY:
                await self._flush()
        return item

    async def _flush(self) -> None:
        batch, self.pending = self.pending, []
        if not batch:
            return
        loop = asyncio.get_running_loop()
        try:
            counts = await loop.run_in_executor(None, self._store, batch)
        except Exception as exc:  # noqa: BLE001 — the database failed: each claim of the batch is an error of the run
            for item in batch:
                self.on_crawl_error(account=item.feed, url=item.article,
                                    error=f"could not store the claim: {type(exc).__name__}: {exc}")
            return
        if self.run_id is not None:
            self.runs.add_counts(self.run_id, seen=len(batch), stored=counts.added)

    def _store(self, batch: list[ClaimItem]) -> Any:
        return self.claims.store([item.record for item in batch], source="crawl:factcheck")

    def on_crawl_error(self, account: str | None, url: str | None, error: str) -> None:
        if self.run_id is None:
            log.error("error before the crawl run opened: %s (%s, %s)", error, account, url)
            return
        self.runs.record_error(self.run_id, account=account, url=url, error=error)

    async def close_spider(self) -> None:
        await self._flush()
        if self.run_id is None:
            return
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        kept = {k: (v if isinstance(v, int | float | str) else str(v)) for k, v in stats.items()
                if k in KEPT_STATS or k in FACTCHECK_STATS}
        # A feed read whose articles are all stored already is a reading, not nothing: an article that failed
        # next to them makes the run partial, as it does on a day with new claims.
        self.runs.finish_run(self.run_id, stats=kept, read_something=bool(stats.get("netra/factcheck_feeds_read")))

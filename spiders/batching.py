"""Spider middleware: the items of one response travel through Scrapy as one item (``ItemBatch``).

Scrapy's own work per item — the spider-middleware chain, the scraper's
bookkeeping, an ``item_scraped`` signal sent through asyncio tasks, a future per
item in the ingest pipeline — cost the crawl process about a fifth of its CPU
time on a 50-act page (bench/crawl.py, py-spy). The acts are stored in batches
anyway (spiders/pipelines.py), so they may as well arrive as one.

Only where every item pipeline of the crawl takes batches (``takes_batches =
True``: the ingest and media pipelines) and nothing else reads items (no
``FEEDS``); otherwise, and with ``NETRA_PAGE_BATCHES`` off, it is not installed
and items go one by one as Scrapy's documentation describes. A crawl without an
item pipeline (parse only) is left unbatched.

Requests pass at once, as the spider yields them; the response's items follow
as one batch when its callback is done, in the order yielded (an account's
resume point after the acts it vouches for). ``item_scraped_count`` still counts
acts: a batch adds its length, and the pipelines add each act they drop to
``item_dropped_count``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.misc import load_object

from spiders.items import ItemBatch


def batches_wanted(crawler: Crawler) -> bool:
    """Whether this crawl's items may travel as batches (see the module's docstring)."""
    settings = crawler.settings
    if not settings.getbool("NETRA_PAGE_BATCHES", True) or settings.getdict("FEEDS"):
        return False
    pipelines = [path for path, order in settings.getwithbase("ITEM_PIPELINES").items() if order is not None]
    return bool(pipelines) and all(getattr(load_object(path), "takes_batches", False) for path in pipelines)


class PageBatches:
    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PageBatches:
        if not batches_wanted(crawler):
            raise NotConfigured("items go one by one: a pipeline or feed of this crawl does not take batches")
        return cls(crawler)

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        items: list[Any] = []
        for out in result:
            if isinstance(out, Request):
                yield out
            elif out is not None:
                items.append(out)
        if items:
            yield self._batch(items)

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        items: list[Any] = []
        async for out in result:
            if isinstance(out, Request):
                yield out
            elif out is not None:
                items.append(out)
        if items:
            yield self._batch(items)

    def _batch(self, items: list[Any]) -> ItemBatch:
        if self.stats is not None:
            self.stats.inc_value("netra/item_batches", start=0)
        return ItemBatch(items)

    def item_scraped(self, item: Any, **_: Any) -> None:
        # Scrapy's core stats counted the batch as one item; it stands for as many acts as it still holds.
        if isinstance(item, ItemBatch) and self.stats is not None:
            self.stats.inc_value("item_scraped_count", len(item.items) - 1, start=0)

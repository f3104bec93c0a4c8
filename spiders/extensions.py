"""Scrapy extensions of every Netra crawl (``spiders.settings.EXTENSIONS``).

``CrawlGarbageCollection`` relaxes the garbage collector while the engine runs
(spiders/garbage_collection.py: it took a third of a crawl's CPU time) and gives its
settings back when the engine stops, so a process that goes on (a test, a
worker) collects as before.
"""

from __future__ import annotations

from scrapy import signals
from scrapy.crawler import Crawler

from spiders import garbage_collection


class CrawlGarbageCollection:
    def __init__(self) -> None:
        self._relaxed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlGarbageCollection:
        extension = cls()
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def engine_started(self) -> None:
        if not self._relaxed:
            garbage_collection.relax()
            self._relaxed = True

    def engine_stopped(self) -> None:
        if self._relaxed:
            garbage_collection.restore()
            self._relaxed = False

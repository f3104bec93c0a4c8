"""How a Netra crawl logs what Scrapy does (``LOG_FORMATTER``).

Scrapy logs every scraped item at DEBUG with the whole item in the message:
for Netra's items that is the record's raw evidence bytes, and even when the
crawl logs only warnings the record of it was built once per item (about 5 %
of a crawl's CPU time, bench/crawl.py). Below DEBUG nothing is logged for a
scraped item; at DEBUG it is one line naming the item, not its bytes.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure

from spiders.items import ItemBatch


def describe(item: Any) -> str:
    """``ActivityItem bluesky share at://…`` — the item's kind and key without its content."""
    if isinstance(item, ItemBatch):
        return f"ItemBatch of {len(item.items)} item(s)"
    parts = [type(item).__name__]
    for name in ("platform", "kind", "external_id", "handle"):
        value = getattr(item, name, None)
        if isinstance(value, str) and value:
            parts.append(value)
    return " ".join(parts)


class NetraLogFormatter(LogFormatter):
    def __init__(self, level: int = logging.DEBUG):
        self.level = level

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NetraLogFormatter:
        level = logging.getLevelName(str(crawler.settings.get("LOG_LEVEL", "DEBUG")).upper())
        return cls(level if isinstance(level, int) else logging.DEBUG)

    def scraped(self, item: Any, response: Response | Failure | None, spider: Spider) -> LogFormatterResult | None:
        if self.level > logging.DEBUG:
            return None
        source = response.getErrorMessage() if isinstance(response, Failure) else response
        return {"level": logging.DEBUG, "msg": "Scraped from %(src)s: %(item)s",
                "args": {"src": source, "item": describe(item)}}

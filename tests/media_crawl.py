"""A real Scrapy crawl for the media pipeline tests: a tiny spider whose posts carry image URLs.

The spider runs in a spawned process (Twisted's reactor starts once per process) with
Netra's own crawl settings, so the ingest pipeline and the media pipeline both run.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import AsyncIterator
from typing import Any

import scrapy

from spiders.items import ActivityItem, PostItem


class PhotoPostsSpider(scrapy.Spider):
    name = "photo-posts"

    def __init__(self, posts: list[dict[str, Any]], account_id: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.posts = posts
        self.account_id = account_id

    async def start(self) -> AsyncIterator[Any]:
        for post in self.posts:
            item = PostItem(platform="bluesky", external_id=post["id"], text=post["text"], author_handle="budi",
                            extras={"media": post["media"]}, raw=post["text"].encode(), source_url=post["id"])
            yield ActivityItem(platform="bluesky", kind="post", external_id=post["id"], account_id=self.account_id,
                               post=item, text=post["text"])


def _child(database_url: str, posts: list[dict[str, Any]], account_id: int, settings: dict[str, Any]) -> None:
    from scrapy.crawler import CrawlerProcess

    from spiders.settings import crawl_settings

    process = CrawlerProcess(crawl_settings(NETRA_DATABASE_URL=database_url, **settings))
    process.crawl(PhotoPostsSpider, posts=posts, account_id=account_id)
    process.start()


def crawl_photo_posts(database_url: str, posts: list[dict[str, Any]], account_id: int, **settings: Any) -> int:
    """Run the spider to completion; returns the child's exit code."""
    child = multiprocessing.get_context("spawn").Process(target=_child,
                                                         args=(database_url, posts, account_id, settings))
    child.start()
    child.join(timeout=120)
    return child.exitcode if child.exitcode is not None else -1

"""Scrapy pipeline that keeps the images of collected posts (``extras["media"]``) in the media store.

It runs after ``IngestPipeline``, which passes an item on only once it is
committed, so the post rows the images link to exist. Images are fetched
through Scrapy's own downloader (same throttling, retries, user agent) with a
per-request size cap, then checked and stored by ``spiders.media.MediaStore``.

Only the images of an act of a declared account are kept — its own post and
the post it acted on — not those of every post seen in passing (UU PDP
minimisation). A refused or failed image never drops the item (the post is
already stored) and does not fail the run: it is logged and counted in the
crawl's stats (``netra/media_refused``; stored ones in ``netra/media_stored``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from sqlalchemy import select

from monitor.config import get_settings
from monitor.db.schema import Evidence, MediaLink, Post
from spiders.items import ActivityItem, ItemBatch, PostItem
from spiders.media import MediaRejected, MediaStore
from spiders.store import IngestStore, UnknownAccount

log = logging.getLogger(__name__)


def image_urls(post: PostItem, limit: int) -> list[str]:
    """The image URLs a post's extras name (Bluesky ``fullsize``, Mastodon ``url``), in order, without repeats."""
    urls: list[str] = []
    for entry in (post.extras or {}).get("media") or []:
        if not isinstance(entry, dict):
            continue
        kind = str(entry.get("type") or "image").lower()
        url = entry.get("url")
        if kind not in ("image", "photo"):
            continue  # videos and animated GIFs ("gifv") are not photos; their playlists are not fetched
        if isinstance(url, str) and url.startswith(("http://", "https://")) and url not in urls:
            urls.append(url)
    return urls[:limit]


class MediaPipeline:
    takes_batches = True  # spiders.batching: a response's items may come as one ItemBatch

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        url = crawler.settings.get("NETRA_DATABASE_URL")
        self.settings = get_settings()
        self.media = MediaStore(url, settings=self.settings)
        self.ingest = IngestStore(sessions=self.media.sessions)
        self.stored = self.refused = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MediaPipeline:
        return cls(crawler)

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, ItemBatch):
            # As Scrapy runs a response's items through the pipelines side by side (CONCURRENT_ITEMS).
            await asyncio.gather(*(self._keep_images(one) for one in item.items))
            return item
        await self._keep_images(item)
        return item

    async def _keep_images(self, item: Any) -> None:
        if not isinstance(item, ActivityItem):
            return
        account_id = self._account_id(item)
        for post in (item.post, item.target):
            if post is None:
                continue
            # Quota counts an own post's images against the account; the acted-on post belongs to someone else.
            owner = account_id if post is item.post else None
            for url in image_urls(post, self.settings.media_max_images_per_post):
                await self._keep(url, post, owner)

    def _account_id(self, item: ActivityItem) -> int | None:
        try:
            with self.media.sessions() as s:
                return IngestStore.account_id_for(
                    s, item.platform, item.account_id, item.account_external_id, item.account_handle
                )
        except UnknownAccount:
            return None

    async def _keep(self, url: str, post: PostItem, account_id: int | None) -> None:
        post_id, evidence_id = self._post_refs(post)
        if post_id is not None and self._already_kept(post_id, url):
            return  # a re-crawl of the same post: the image was fetched before
        # One retry only: an image is supporting evidence, and an unreachable image host
        # must not hold the crawl up with the API's full backoff schedule.
        request = Request(url, meta={"download_maxsize": self.settings.media_max_bytes, "netra_media": True,
                                     "max_retry_times": 1, "download_timeout": 30},
                          dont_filter=True)
        try:
            assert self.crawler.engine is not None
            response: Response = await self.crawler.engine.download_async(request)
        except Exception as exc:  # noqa: BLE001 — a failed image costs only itself
            self._error(post, url, f"image not fetched: {type(exc).__name__}: {exc}")
            return
        if response.status != 200:
            self._error(post, url, f"image not fetched: HTTP {response.status}")
            return
        try:
            self.media.store_bytes(response.body, source=url, account_id=account_id, post_id=post_id,
                                   evidence_id=evidence_id)
            self.stored += 1
            if self.crawler.stats:
                self.crawler.stats.inc_value("netra/media_stored")
        except MediaRejected as exc:
            self._error(post, url, f"image refused: {exc}")

    def _already_kept(self, post_id: int, url: str) -> bool:
        with self.media.sessions() as s:
            return s.scalar(select(MediaLink.id).where(MediaLink.post_id == post_id,
                                                       MediaLink.source_url == url[:2048]).limit(1)) is not None

    def _post_refs(self, post: PostItem) -> tuple[int | None, int | None]:
        with self.media.sessions() as s:
            post_id = s.scalar(select(Post.id).where(Post.platform == post.platform,
                                                     Post.external_id == post.external_id))
            evidence_id = s.scalar(select(Evidence.id).where(Evidence.subject_key == post.subject_key)
                                   .order_by(Evidence.version.desc()).limit(1))
        return post_id, evidence_id

    def _error(self, post: PostItem, url: str, message: str) -> None:
        self.refused += 1
        if self.crawler.stats:
            self.crawler.stats.inc_value("netra/media_refused")
        log.warning("%s (post %s:%s)", message, post.platform, post.external_id)

"""TikTok "Download your data" (JSON): likes, comments, own videos (platform-formats.md §3.3)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from spiders.importers.base import Export, ExportError, ImportStats, record_bytes, stream_records
from spiders.importers.meta import text_key
from spiders.items import ActivityItem, PostItem

VIDEO_ID = re.compile(r"/video/(\d+)")
# Sections moved between export versions; keys are compared lower-case.
LIKE_PATHS = {
    "activity.like list.itemfavoritelist.item",
    "your activity.like list.itemfavoritelist.item",
    "likes and favorites.like list.itemfavoritelist.item",
}
COMMENT_PATHS = {"comment.comments.commentslist.item"}
VIDEO_PATHS = {"video.videos.videolist.item", "post.posts.videolist.item"}
PROFILE_PATHS = (
    ("profile", "profile information", "profilemap"),
    ("profile and settings", "profile info", "profilemap"),
)


def _get(record: Any, key: str) -> Any:
    """Key lookup ignoring case, which varies even within one file."""
    if not isinstance(record, dict):
        return None
    for k, v in record.items():
        if k.lower() == key:
            return v
    return None


def _time(raw: Any) -> datetime | None:
    # "2024-11-22 13:05:41", no zone: treated as UTC (observed, not documented).
    try:
        return datetime.strptime(str(raw), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


class TikTokImporter:
    name = "tiktok"
    platform = "tiktok"

    def _files(self, export: Export) -> list:
        return export.find("user_data.json", "user_data_tiktok.json")

    def check(self, export: Export) -> None:
        if not self._files(export):
            raise ExportError(f"{export.path}: no user_data.json or user_data_tiktok.json — is this a TikTok export?")

    def owner(self, export: Export) -> str | None:
        paths = {".".join(p) + ".username" for p in PROFILE_PATHS}
        for file in self._files(export):
            for _prefix, value in stream_records(file, paths):
                if value:
                    return str(value)
        return None

    def activities(self, export: Export, handle: str, stats: ImportStats) -> Iterator[ActivityItem]:
        for file in self._files(export):
            stats.files_read.append(file.name)
            counters: dict[str, int] = {}
            for prefix, record in stream_records(file, LIKE_PATHS | COMMENT_PATHS | VIDEO_PATHS):
                i = counters[prefix] = counters.get(prefix, -1) + 1
                if prefix in LIKE_PATHS:
                    item = self._like(record, file.name, i, stats)
                elif prefix in COMMENT_PATHS:
                    item = self._comment(record, handle, file.name, i, stats)
                else:
                    item = self._video(record, handle, file.name, i, stats)
                if item:
                    yield item

    def _like(self, record: Any, file: str, i: int, stats: ImportStats) -> ActivityItem | None:
        link = _get(record, "link") or ""
        match = VIDEO_ID.search(str(link))
        when = _time(_get(record, "date"))
        if not match or when is None:
            stats.skip(file, i, f"like without a video link or date ({link!r})")
            return None
        vid = match.group(1)
        target = PostItem(platform="tiktok", external_id=vid, url=f"https://www.tiktok.com/video/{vid}",
                          partial=True, source="import:tiktok")
        return ActivityItem(platform="tiktok", kind="like", external_id=vid, target=target, text="",
                            url=target.url, occurred_at=when, occurred_at_raw=str(_get(record, "date")),
                            raw=record_bytes(record), source_url=f"archive:{file}")

    def _comment(self, record: Any, handle: str, file: str, i: int, stats: ImportStats) -> ActivityItem | None:
        text = _get(record, "comment")
        raw_date = _get(record, "date")
        when = _time(raw_date)
        if not text or when is None:
            stats.skip(file, i, "comment without text or date")
            return None
        url = _get(record, "url") or None
        key = text_key(raw_date, text)
        post = PostItem(platform="tiktok", external_id=f"export-comment:{handle}:{key}", author_handle=handle,
                        text=str(text), url=url, posted_at=when, posted_at_raw=str(raw_date),
                        raw=record_bytes(record), source_url=f"archive:{file}", source="import:tiktok")
        # Comments usually don't say which video they were on.
        return ActivityItem(platform="tiktok", kind="comment", external_id=post.external_id, post=post,
                            text=str(text), url=url, occurred_at=when, occurred_at_raw=str(raw_date))

    def _video(self, record: Any, handle: str, file: str, i: int, stats: ImportStats) -> ActivityItem | None:
        raw_date = _get(record, "date")
        when = _time(raw_date)
        link = str(_get(record, "link") or "")
        if when is None:
            stats.skip(file, i, "video without date")
            return None
        match = VIDEO_ID.search(link)
        # Recent exports give an expiring CDN URL instead of a page: key on time + link path then.
        vid = match.group(1) if match else text_key(raw_date, link.split("?")[0])
        caption = str(_get(record, "title") or _get(record, "description") or "")
        alt = _get(record, "alternatetext")
        text = caption + (f"\nAlt: {alt}" if alt else "")
        post = PostItem(platform="tiktok", external_id=f"video:{vid}", author_handle=handle, text=text,
                        url=f"https://www.tiktok.com/@{handle}/video/{vid}" if match else None,
                        extras={"alt_texts": [alt] if alt else [], "likes": _get(record, "likes"),
                                "sound": _get(record, "sound")},
                        posted_at=when, posted_at_raw=str(raw_date), raw=record_bytes(record),
                        source_url=f"archive:{file}", source="import:tiktok")
        return ActivityItem(platform="tiktok", kind="post", external_id=post.external_id, post=post, text=text,
                            url=post.url, occurred_at=when, occurred_at_raw=str(raw_date))

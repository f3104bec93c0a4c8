"""TikTok "Download your data" (JSON): likes, comments, own videos (platform-formats.md §3.3).

TikTok hands the data out as ``user_data.json`` (older: ``user_data_tiktok.json``), inside a ZIP or on its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from spiders.importers.base import (
    Export,
    ExportError,
    ExportFile,
    RecordError,
    Source,
    record_bytes,
    stream_records,
    text,
)
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
        if isinstance(k, str) and k.lower() == key:
            return v
    return None


def _time(raw: Any) -> datetime | None:
    # "2024-11-22 13:05:41", no zone: treated as UTC (observed, not documented).
    if not isinstance(raw, str):
        return None
    try:
        return datetime.strptime(raw, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


class TikTokImporter:
    name = "tiktok"
    platform = "tiktok"

    def _files(self, export: Export) -> list[ExportFile]:
        return export.find("user_data.json", "user_data_tiktok.json")

    def check(self, export: Export) -> None:
        if not self._files(export):
            raise ExportError(f"{export.path}: no user_data.json or user_data_tiktok.json — is this a TikTok export?")

    def owner(self, export: Export) -> str | None:
        paths = {".".join(p) + ".username" for p in PROFILE_PATHS}
        for file in self._files(export):
            for _prefix, value in stream_records(file, paths):
                name = text(value)
                if name:
                    return name
        return None

    def sources(self, export: Export, handle: str) -> list[Source]:
        return [Source(f, frozenset(LIKE_PATHS | COMMENT_PATHS | VIDEO_PATHS),
                       lambda section, record, _i, f=f: self._record(section, record, handle, f.name))
                for f in self._files(export)]

    def _record(self, section: str, record: Any, handle: str, file: str) -> Iterator[ActivityItem]:
        if not isinstance(record, dict):
            raise RecordError("entry is not an object")
        if section in LIKE_PATHS:
            yield self._like(record, file)
        elif section in COMMENT_PATHS:
            yield self._comment(record, handle, file)
        else:
            yield self._video(record, handle, file)

    def _like(self, record: dict[str, Any], file: str) -> ActivityItem:
        link = text(_get(record, "link")) or ""
        match = VIDEO_ID.search(link)
        raw_date = _get(record, "date")
        when = _time(raw_date)
        if not match or when is None:
            raise RecordError(f"like without a video link or date ({link!r:.120})")
        vid = match.group(1)
        target = PostItem(platform="tiktok", external_id=vid, url=f"https://www.tiktok.com/video/{vid}",
                          partial=True, source="import:tiktok")
        return ActivityItem(platform="tiktok", kind="like", external_id=vid, target=target, text="",
                            url=target.url, occurred_at=when, occurred_at_raw=str(raw_date),
                            raw=record_bytes(record), source_url=f"archive:{file}")

    def _comment(self, record: dict[str, Any], handle: str, file: str) -> ActivityItem:
        body = text(_get(record, "comment"))
        raw_date = _get(record, "date")
        when = _time(raw_date)
        if not body or when is None:
            raise RecordError("comment without text or date")
        url = text(_get(record, "url")) or None
        key = text_key(raw_date, body)
        post = PostItem(platform="tiktok", external_id=f"export-comment:{handle}:{key}", author_handle=handle,
                        text=body, url=url, posted_at=when, posted_at_raw=str(raw_date),
                        raw=record_bytes(record), source_url=f"archive:{file}", source="import:tiktok")
        # Comments usually don't say which video they were on.
        return ActivityItem(platform="tiktok", kind="comment", external_id=post.external_id, post=post,
                            text=body, url=url, occurred_at=when, occurred_at_raw=str(raw_date))

    def _video(self, record: dict[str, Any], handle: str, file: str) -> ActivityItem:
        raw_date = _get(record, "date")
        when = _time(raw_date)
        link = text(_get(record, "link")) or ""
        if when is None:
            raise RecordError("video without date")
        match = VIDEO_ID.search(link)
        # Recent exports give an expiring CDN URL instead of a page: key on time + link path then.
        vid = match.group(1) if match else text_key(raw_date, link.split("?")[0])
        caption = text(_get(record, "title")) or text(_get(record, "description")) or ""
        alt = text(_get(record, "alternatetext"))
        body = caption + (f"\nAlt: {alt}" if alt else "")
        post = PostItem(platform="tiktok", external_id=f"video:{vid}", author_handle=handle, text=body,
                        url=f"https://www.tiktok.com/@{handle}/video/{vid}" if match else None,
                        extras={"alt_texts": [alt] if alt else [], "likes": _get(record, "likes"),
                                "sound": _get(record, "sound")},
                        posted_at=when, posted_at_raw=str(raw_date), raw=record_bytes(record),
                        source_url=f"archive:{file}", source="import:tiktok")
        return ActivityItem(platform="tiktok", kind="post", external_id=post.external_id, post=post, text=body,
                            url=post.url, occurred_at=when, occurred_at_raw=str(raw_date))

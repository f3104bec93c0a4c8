"""Instagram "Download your information" (JSON): posts, comments, likes (platform-formats.md §3.2)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from spiders.importers.base import Export, ExportError, ImportStats, read_small_json, record_bytes, stream_records
from spiders.importers.meta import fix, label_values, text_key, unix_time
from spiders.items import ActivityItem, PostItem

SHORTCODE = re.compile(r"instagram\.com/(?:[^/]+/)?(?:p|reel|tv)/([A-Za-z0-9_-]+)")
HASHTAG = re.compile(r"#(\w+)")
MENTION = re.compile(r"@([\w.]+)")


def _is(name: str, stem: str) -> bool:
    return name == f"{stem}.json" or bool(re.fullmatch(rf"{stem}_\d+\.json", name))


class InstagramImporter:
    name = "instagram"
    platform = "instagram"

    def _likes(self, export: Export) -> list:
        return export.find("liked_posts.json")

    def _comments(self, export: Export) -> list:
        return export.find_matching(lambda n: _is(n, "post_comments") or n in ("reels_comments.json",))

    def _posts(self, export: Export) -> list:
        return [f for f in export.find_matching(lambda n: _is(n, "posts")) if "media" in f.name or "content" in f.name]

    def check(self, export: Export) -> None:
        if not (self._likes(export) or self._comments(export) or self._posts(export)):
            raise ExportError(
                f"{export.path}: no liked_posts.json, post_comments*.json or posts_*.json inside "
                "— is this an Instagram JSON export?"
            )

    def owner(self, export: Export) -> str | None:
        files = export.find("personal_information.json")
        if not files:
            return None
        data = fix(read_small_json(files[0]))
        for user in (data.get("profile_user") or []) if isinstance(data, dict) else []:
            username = ((user.get("string_map_data") or {}).get("Username") or {}).get("value")
            if username:
                return str(username)
        return label_values(data).get("Username")

    def activities(self, export: Export, handle: str, stats: ImportStats) -> Iterator[ActivityItem]:
        for file in self._posts(export):
            stats.files_read.append(file.name)
            for i, (_p, record) in enumerate(stream_records(file, {"item", "ig_posts.item"})):
                item = self._post(record, handle, file.name, i, stats)
                if item:
                    yield item
        for file in self._comments(export):
            stats.files_read.append(file.name)
            prefixes = {"item", "comments_media_comments.item", "comments_reels_comments.item"}
            for i, (_p, record) in enumerate(stream_records(file, prefixes)):
                item = self._comment(record, handle, file.name, i, stats)
                if item:
                    yield item
        for file in self._likes(export):
            stats.files_read.append(file.name)
            for i, (_p, record) in enumerate(stream_records(file, {"item", "likes_media_likes.item"})):
                yield from self._like(record, file.name, i, stats)

    def _post(self, record: Any, handle: str, file: str, i: int, stats: ImportStats) -> ActivityItem | None:
        raw = record_bytes(record)
        rec = fix(record)
        media = rec.get("media") or [] if isinstance(rec, dict) else []
        if not media:
            stats.skip(file, i, "post without media")
            return None
        first = media[0]
        ts = rec.get("creation_timestamp") or first.get("creation_timestamp")
        when = unix_time(ts)
        if when is None:
            stats.skip(file, i, "post without creation_timestamp")
            return None
        caption = rec.get("title") or first.get("title") or ""
        # No shortcode in the export: a post is its time and first media file (platform-formats.md §3.2).
        key = f"{ts}:{first.get('uri', '')}"
        post = PostItem(
            platform="instagram", external_id=f"export:{handle}:{key}", author_handle=handle, text=caption,
            extras={"hashtags": HASHTAG.findall(caption), "mentions": MENTION.findall(caption),
                    "media": [m.get("uri") for m in media], "alt_texts": []},
            posted_at=when, posted_at_raw=str(ts), raw=raw, source_url=f"archive:{file}", source="import:instagram",
        )
        return ActivityItem(platform="instagram", kind="photo", external_id=post.external_id, post=post,
                            text=caption, occurred_at=when, occurred_at_raw=str(ts))

    def _comment(self, record: Any, handle: str, file: str, i: int, stats: ImportStats) -> ActivityItem | None:
        raw = record_bytes(record)
        rec = fix(record)
        smd = rec.get("string_map_data") if isinstance(rec, dict) else None
        if not isinstance(smd, dict):
            values = label_values(rec.get("label_values") if isinstance(rec, dict) else None)
            smd = {k: {"value": v} for k, v in values.items()}
            if isinstance(rec, dict) and rec.get("timestamp"):
                smd["Time"] = {"timestamp": rec["timestamp"]}
        text = (smd.get("Comment") or {}).get("value")
        ts = (smd.get("Time") or {}).get("timestamp")
        when = unix_time(ts)
        if not text or when is None:
            stats.skip(file, i, "comment without text or time")
            return None
        owner = (smd.get("Media Owner") or {}).get("value")
        # The export names only the post's owner, not the post: the comment stands alone.
        key = text_key(ts, text)
        post = PostItem(
            platform="instagram", external_id=f"export-comment:{handle}:{key}", author_handle=handle, text=text,
            extras={"media_owner": owner, "mentions": MENTION.findall(text)}, posted_at=when, posted_at_raw=str(ts),
            raw=raw, source_url=f"archive:{file}", source="import:instagram",
        )
        context = f"(unggahan milik @{owner})" if owner else None
        return ActivityItem(platform="instagram", kind="comment", external_id=post.external_id, post=post,
                            text=text, context=context, occurred_at=when, occurred_at_raw=str(ts))

    def _like(self, record: Any, file: str, i: int, stats: ImportStats) -> Iterator[ActivityItem]:
        raw = record_bytes(record)
        rec = fix(record)
        if isinstance(rec, dict) and "string_list_data" in rec:
            entries = [(rec.get("title"), d.get("href"), d.get("timestamp")) for d in rec["string_list_data"] or []]
        elif isinstance(rec, dict) and "label_values" in rec:
            values = label_values(rec["label_values"])
            entries = [(values.get("Username"), values.get("URL"), rec.get("timestamp"))]
        else:
            stats.skip(file, i, "like in an unknown shape")
            return
        for owner, href, ts in entries:
            match = SHORTCODE.search(href or "")
            when = unix_time(ts)
            if not match:
                stats.skip(file, i, f"like without a post link ({href!r})")
                continue
            code = match.group(1)
            target = PostItem(platform="instagram", external_id=code, url=href, author_handle=owner, partial=True,
                              source="import:instagram")
            yield ActivityItem(platform="instagram", kind="like", external_id=code, target=target, text="",
                               url=href, occurred_at=when, occurred_at_raw=str(ts), raw=raw,
                               source_url=f"archive:{file}")

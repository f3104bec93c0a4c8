"""Instagram "Download your information" (JSON): posts, comments, likes (platform-formats.md §3.2)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from spiders.importers.base import (
    Export,
    ExportError,
    ExportFile,
    Parsed,
    RecordError,
    Rejected,
    Source,
    as_dict,
    dicts,
    read_small_json,
    record_bytes,
    text,
)
from spiders.importers.meta import fix, label_values, text_key, unix_time
from spiders.items import ActivityItem, PostItem

SHORTCODE = re.compile(r"instagram\.com/(?:[^/]+/)?(?:p|reel|tv)/([A-Za-z0-9_-]+)")
HASHTAG = re.compile(r"#(\w+)")
MENTION = re.compile(r"@([\w.]+)")
POSTS = frozenset({"item", "ig_posts.item"})
COMMENTS = frozenset({"item", "comments_media_comments.item", "comments_reels_comments.item"})
LIKES = frozenset({"item", "likes_media_likes.item"})


def _is(name: str, stem: str) -> bool:
    return name == f"{stem}.json" or bool(re.fullmatch(rf"{stem}_\d+\.json", name))


def _value(entry: Any, key: str = "value") -> Any:
    return as_dict(entry).get(key)


class InstagramImporter:
    name = "instagram"
    platform = "instagram"

    def _likes(self, export: Export) -> list[ExportFile]:
        return export.find("liked_posts.json")

    def _comments(self, export: Export) -> list[ExportFile]:
        return export.find_matching(lambda n: _is(n, "post_comments") or n in ("reels_comments.json",))

    def _posts(self, export: Export) -> list[ExportFile]:
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
        for user in dicts(as_dict(data).get("profile_user")):
            username = text(_value(as_dict(user.get("string_map_data")).get("Username")))
            if username:
                return username
        return label_values(data).get("Username")

    def sources(self, export: Export, handle: str) -> list[Source]:
        return (
            [Source(f, POSTS, lambda _s, r, i, f=f: self._post(r, handle, f.name)) for f in self._posts(export)]
            + [Source(f, COMMENTS, lambda _s, r, i, f=f: self._comment(r, handle, f.name))
               for f in self._comments(export)]
            + [Source(f, LIKES, lambda s, r, i, f=f: self._like(r, f.name, s, i)) for f in self._likes(export)]
        )

    def _post(self, record: Any, handle: str, file: str) -> Iterator[ActivityItem]:
        raw = record_bytes(record)
        rec = as_dict(fix(record))
        media = dicts(rec.get("media"))
        if not media:
            raise RecordError("post without media")
        first = media[0]
        ts = rec.get("creation_timestamp") or first.get("creation_timestamp")
        when = unix_time(ts)
        if when is None:
            raise RecordError("post without creation_timestamp")
        caption = text(rec.get("title")) or text(first.get("title")) or ""
        # No shortcode in the export: a post is its time and first media file (platform-formats.md §3.2).
        key = f"{int(when.timestamp())}:{text(first.get('uri')) or ''}"
        post = PostItem(
            platform="instagram", external_id=f"export:{handle}:{key}", author_handle=handle, text=caption,
            extras={"hashtags": HASHTAG.findall(caption), "mentions": MENTION.findall(caption),
                    "media": [text(m.get("uri")) for m in media], "alt_texts": []},
            posted_at=when, posted_at_raw=str(ts), raw=raw, source_url=f"archive:{file}", source="import:instagram",
        )
        yield ActivityItem(platform="instagram", kind="photo", external_id=post.external_id, post=post,
                           text=caption, occurred_at=when, occurred_at_raw=str(ts))

    def _comment(self, record: Any, handle: str, file: str) -> Iterator[ActivityItem]:
        raw = record_bytes(record)
        rec = as_dict(fix(record))
        smd = rec.get("string_map_data")
        if not isinstance(smd, dict):
            values = label_values(rec.get("label_values"))
            smd = {k: {"value": v} for k, v in values.items()}
            if rec.get("timestamp"):
                smd["Time"] = {"timestamp": rec["timestamp"]}
        comment = text(_value(smd.get("Comment")))
        ts = _value(smd.get("Time"), "timestamp")
        when = unix_time(ts)
        if not comment or when is None:
            raise RecordError("comment without text or time")
        owner = text(_value(smd.get("Media Owner")))
        # The export names only the post's owner, not the post: the comment stands alone.
        key = text_key(int(when.timestamp()), comment)
        post = PostItem(
            platform="instagram", external_id=f"export-comment:{handle}:{key}", author_handle=handle, text=comment,
            extras={"media_owner": owner, "mentions": MENTION.findall(comment)}, posted_at=when,
            posted_at_raw=str(ts), raw=raw, source_url=f"archive:{file}", source="import:instagram",
        )
        context = f"(unggahan milik @{owner})" if owner else None
        yield ActivityItem(platform="instagram", kind="comment", external_id=post.external_id, post=post,
                           text=comment, context=context, occurred_at=when, occurred_at_raw=str(ts))

    def _like(self, record: Any, file: str, section: str, position: int) -> Iterator[Parsed]:
        raw = record_bytes(record)
        rec = fix(record)
        if isinstance(rec, dict) and "string_list_data" in rec:
            entries = [(text(rec.get("title")), text(d.get("href")), d.get("timestamp"))
                       for d in dicts(rec["string_list_data"])]
        elif isinstance(rec, dict) and "label_values" in rec:
            values = label_values(rec["label_values"])
            entries = [(values.get("Username"), values.get("URL"), rec.get("timestamp"))]
        else:
            raise RecordError("like in an unknown shape")
        if not entries:
            raise RecordError("like without entries")
        for owner, href, ts in entries:
            match = SHORTCODE.search(href or "")
            if not match:
                # One entry of several without a link: the others are still likes; this one is kept raw.
                yield Rejected(file, position, section, f"like without a post link ({href!r:.120})", raw)
                continue
            code = match.group(1)
            when = unix_time(ts)
            target = PostItem(platform="instagram", external_id=code, url=href, author_handle=owner, partial=True,
                              source="import:instagram")
            yield ActivityItem(platform="instagram", kind="like", external_id=code, target=target, text="",
                               url=href, occurred_at=when, occurred_at_raw=str(ts), raw=raw,
                               source_url=f"archive:{file}")

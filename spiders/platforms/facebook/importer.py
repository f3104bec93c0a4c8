"""Facebook "Download your information" (JSON): posts, comments, reactions (platform-formats.md §3.4)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from spiders.importers.base import Export, ExportError, ImportStats, read_small_json, record_bytes, stream_records
from spiders.importers.meta import fix, label_values, text_key, unix_time
from spiders.items import ActivityItem, PostItem

POSTS = re.compile(r"^(your_posts(__check_ins__photos_and_videos)?_\d+|your_posts)\.json$")
REACTIONS = re.compile(r"^(likes_and_reactions(_\d+)?|posts_and_comments)\.json$")


class FacebookImporter:
    name = "facebook"
    platform = "facebook"

    def _posts(self, export: Export) -> list:
        return export.find_matching(lambda n: bool(POSTS.match(n)))

    def _comments(self, export: Export) -> list:
        return [f for f in export.find("comments.json", "your_comments_in_groups.json")]

    def _reactions(self, export: Export) -> list:
        return export.find_matching(lambda n: bool(REACTIONS.match(n)))

    def check(self, export: Export) -> None:
        if not (self._posts(export) or self._comments(export) or self._reactions(export)):
            raise ExportError(
                f"{export.path}: no your_posts*.json, comments.json or likes_and_reactions*.json inside "
                "— is this a Facebook JSON export?"
            )

    def owner(self, export: Export) -> str | None:
        # Facebook exports carry a display name, not the username; the check compares usernames only.
        files = export.find("profile_information.json")
        if not files:
            return None
        data = fix(read_small_json(files[0]))
        profile = (data.get("profile_v2") or data.get("profile") or {}) if isinstance(data, dict) else {}
        username = profile.get("username")
        return str(username) if username else None

    def activities(self, export: Export, handle: str, stats: ImportStats) -> Iterator[ActivityItem]:
        for file in self._posts(export):
            stats.files_read.append(file.name)
            for i, (_p, record) in enumerate(stream_records(file, {"item", "status_updates_v2.item"})):
                item = self._post(record, handle, file.name, i, stats)
                if item:
                    yield item
        for file in self._comments(export):
            stats.files_read.append(file.name)
            prefixes = {"item", "comments_v2.item", "group_comments_v2.item"}
            for i, (_p, record) in enumerate(stream_records(file, prefixes)):
                item = self._comment(record, handle, file.name, i, stats)
                if item:
                    yield item
        for file in self._reactions(export):
            stats.files_read.append(file.name)
            for i, (_p, record) in enumerate(stream_records(file, {"item", "reactions_v2.item"})):
                item = self._reaction(record, handle, file.name, i, stats)
                if item:
                    yield item

    def _post(self, record: Any, handle: str, file: str, i: int, stats: ImportStats) -> ActivityItem | None:
        raw = record_bytes(record)
        rec = fix(record)
        ts = rec.get("timestamp") if isinstance(rec, dict) else None
        when = unix_time(ts)
        if when is None:
            stats.skip(file, i, "post without timestamp")
            return None
        text = next((d["post"] for d in rec.get("data") or [] if isinstance(d, dict) and d.get("post")), "")
        media, links, alts = [], [], []
        for att in rec.get("attachments") or []:
            for d in att.get("data") or []:
                if "media" in d:
                    media.append(d["media"].get("uri"))
                    if d["media"].get("description"):
                        alts.append(d["media"]["description"])
                if "external_context" in d:
                    links.append(d["external_context"].get("url"))
        if not text and not media and not links:
            stats.skip(file, i, "post without text or attachments")
            return None
        full = text + "".join(f"\nAlt: {a}" for a in alts)
        # No id or URL in the export: a post is its time and text (platform-formats.md §5).
        post = PostItem(platform="facebook", external_id=f"export:{handle}:{text_key(ts, text, *media)}",
                        author_handle=handle, text=full,
                        extras={"media": media, "links": links, "alt_texts": alts, "title": rec.get("title")},
                        posted_at=when, posted_at_raw=str(ts), raw=raw, source_url=f"archive:{file}",
                        source="import:facebook")
        kind = "photo" if media else "post"
        return ActivityItem(platform="facebook", kind=kind, external_id=post.external_id, post=post, text=full,
                            occurred_at=when, occurred_at_raw=str(ts))

    def _comment(self, record: Any, handle: str, file: str, i: int, stats: ImportStats) -> ActivityItem | None:
        raw = record_bytes(record)
        rec = fix(record)
        ts = rec.get("timestamp") if isinstance(rec, dict) else None
        comment = next((d["comment"] for d in rec.get("data") or [] if isinstance(d, dict) and "comment" in d), None)
        text = comment.get("comment") if isinstance(comment, dict) else None
        when = unix_time(ts)
        if not text or when is None:
            stats.skip(file, i, "comment without text or timestamp")
            return None
        title = rec.get("title")
        post = PostItem(platform="facebook", external_id=f"export-comment:{handle}:{text_key(ts, text)}",
                        author_handle=handle, text=text,
                        extras={"title": title, "group": (comment or {}).get("group")},
                        posted_at=when, posted_at_raw=str(ts), raw=raw, source_url=f"archive:{file}",
                        source="import:facebook")
        # The post commented on is named only in the (translated) title sentence.
        return ActivityItem(platform="facebook", kind="comment", external_id=post.external_id, post=post, text=text,
                            context=title, occurred_at=when, occurred_at_raw=str(ts))

    def _reaction(self, record: Any, handle: str, file: str, i: int, stats: ImportStats) -> ActivityItem | None:
        raw = record_bytes(record)
        rec = fix(record)
        if not isinstance(rec, dict):
            stats.skip(file, i, "reaction in an unknown shape")
            return None
        ts = rec.get("timestamp")
        when = unix_time(ts)
        reaction = next((d["reaction"] for d in rec.get("data") or [] if isinstance(d, dict) and "reaction" in d), {})
        values = label_values(rec.get("label_values"))
        reaction_type = reaction.get("reaction") or values.get("Reaction") or "LIKE"
        title = rec.get("title") or values.get("Name")
        url = values.get("URL")
        if when is None or not (title or url):
            stats.skip(file, i, "reaction without time or target")
            return None
        key = url or text_key(ts, title)
        target = PostItem(platform="facebook", external_id=f"reacted:{key}", url=url, text=None, partial=True,
                          extras={"title": title, "reaction": reaction_type}, source="import:facebook")
        return ActivityItem(platform="facebook", kind="like", external_id=target.external_id, target=target, text="",
                            context=title, url=url, occurred_at=when, occurred_at_raw=str(ts), raw=raw,
                            source_url=f"archive:{file}")

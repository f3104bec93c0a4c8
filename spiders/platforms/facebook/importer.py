"""Facebook "Download your information" (JSON): posts, comments, reactions (platform-formats.md §3.4)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from spiders.importers.base import (
    Export,
    ExportError,
    ExportFile,
    RecordError,
    Source,
    as_dict,
    dicts,
    read_small_json,
    record_bytes,
    text,
)
from spiders.importers.meta import fix, label_values, text_key, unix_time
from spiders.items import ActivityItem, PostItem

POSTS = re.compile(r"^(your_posts(__check_ins__photos_and_videos)?_\d+|your_posts)\.json$")
REACTIONS = re.compile(r"^(likes_and_reactions(_\d+)?|posts_and_comments)\.json$")
POST_ITEMS = frozenset({"item", "status_updates_v2.item"})
COMMENT_ITEMS = frozenset({"item", "comments_v2.item", "group_comments_v2.item"})
REACTION_ITEMS = frozenset({"item", "reactions_v2.item"})


class FacebookImporter:
    name = "facebook"
    platform = "facebook"

    def _posts(self, export: Export) -> list[ExportFile]:
        return export.find_matching(lambda n: bool(POSTS.match(n)))

    def _comments(self, export: Export) -> list[ExportFile]:
        return export.find("comments.json", "your_comments_in_groups.json")

    def _reactions(self, export: Export) -> list[ExportFile]:
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
        data = as_dict(fix(read_small_json(files[0])))
        profile = as_dict(data.get("profile_v2") or data.get("profile"))
        return text(profile.get("username")) or None

    def sources(self, export: Export, handle: str) -> list[Source]:
        return (
            [Source(f, POST_ITEMS, lambda _s, r, i, f=f: self._post(r, handle, f.name)) for f in self._posts(export)]
            + [Source(f, COMMENT_ITEMS, lambda _s, r, i, f=f: self._comment(r, handle, f.name))
               for f in self._comments(export)]
            + [Source(f, REACTION_ITEMS, lambda _s, r, i, f=f: self._reaction(r, f.name))
               for f in self._reactions(export)]
        )

    def _post(self, record: Any, handle: str, file: str) -> Iterator[ActivityItem]:
        raw = record_bytes(record)
        rec = as_dict(fix(record))
        ts = rec.get("timestamp")
        when = unix_time(ts)
        if when is None:
            raise RecordError("post without timestamp")
        body = next((t for t in (text(d.get("post")) for d in dicts(rec.get("data"))) if t), "")
        media: list[str | None] = []
        links: list[str | None] = []
        alts: list[str] = []
        for att in dicts(rec.get("attachments")):
            for d in dicts(att.get("data")):
                if "media" in d:
                    item = as_dict(d["media"])
                    media.append(text(item.get("uri")))
                    alt = text(item.get("description"))
                    if alt:
                        alts.append(alt)
                if "external_context" in d:
                    links.append(text(as_dict(d["external_context"]).get("url")))
        if not body and not media and not links:
            raise RecordError("post without text or attachments")
        full = body + "".join(f"\nAlt: {a}" for a in alts)
        # No id or URL in the export: a post is its time and text (platform-formats.md §5).
        post = PostItem(platform="facebook", external_id=f"export:{handle}:{text_key(ts, body, *media)}",
                        author_handle=handle, text=full,
                        extras={"media": media, "links": links, "alt_texts": alts, "title": text(rec.get("title"))},
                        posted_at=when, posted_at_raw=str(ts), raw=raw, source_url=f"archive:{file}",
                        source="import:facebook")
        kind = "photo" if media else "post"
        yield ActivityItem(platform="facebook", kind=kind, external_id=post.external_id, post=post, text=full,
                           occurred_at=when, occurred_at_raw=str(ts))

    def _comment(self, record: Any, handle: str, file: str) -> Iterator[ActivityItem]:
        raw = record_bytes(record)
        rec = as_dict(fix(record))
        ts = rec.get("timestamp")
        comment = as_dict(next((d["comment"] for d in dicts(rec.get("data")) if "comment" in d), None))
        body = text(comment.get("comment"))
        when = unix_time(ts)
        if not body or when is None:
            raise RecordError("comment without text or timestamp")
        title = text(rec.get("title"))
        post = PostItem(platform="facebook", external_id=f"export-comment:{handle}:{text_key(ts, body)}",
                        author_handle=handle, text=body,
                        extras={"title": title, "group": text(comment.get("group"))},
                        posted_at=when, posted_at_raw=str(ts), raw=raw, source_url=f"archive:{file}",
                        source="import:facebook")
        # The post commented on is named only in the (translated) title sentence.
        yield ActivityItem(platform="facebook", kind="comment", external_id=post.external_id, post=post, text=body,
                           context=title, occurred_at=when, occurred_at_raw=str(ts))

    def _reaction(self, record: Any, file: str) -> Iterator[ActivityItem]:
        raw = record_bytes(record)
        rec = fix(record)
        if not isinstance(rec, dict):
            raise RecordError("reaction in an unknown shape")
        ts = rec.get("timestamp")
        when = unix_time(ts)
        reaction = as_dict(next((d["reaction"] for d in dicts(rec.get("data")) if "reaction" in d), None))
        values = label_values(rec.get("label_values"))
        reaction_type = text(reaction.get("reaction")) or values.get("Reaction") or "LIKE"
        title = text(rec.get("title")) or values.get("Name")
        url = values.get("URL")
        if when is None or not (title or url):
            raise RecordError("reaction without time or target")
        key = url or text_key(ts, title)
        target = PostItem(platform="facebook", external_id=f"reacted:{key}", url=url, text=None, partial=True,
                          extras={"title": title, "reaction": reaction_type}, source="import:facebook")
        yield ActivityItem(platform="facebook", kind="like", external_id=target.external_id, target=target, text="",
                           context=title, url=url, occurred_at=when, occurred_at_raw=str(ts), raw=raw,
                           source_url=f"archive:{file}")

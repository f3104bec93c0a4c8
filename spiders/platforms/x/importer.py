"""X (Twitter) "Download an archive of your data": tweets.js and like.js (platform-formats.md §3.1)."""

from __future__ import annotations

import html
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
    as_dict,
    dicts,
    read_small_json,
    record_bytes,
    text,
    texts,
)
from spiders.items import ActivityItem, PostItem

TWEET_FILES = re.compile(r"^(tweets?|tweets-part\d+|tweet-part\d+)\.js$")
LIKE_FILES = re.compile(r"^like(-part\d+)?\.js$")
TWITTER_EPOCH_MS = 1288834974657
# Tweet ids are decimal digits (as strings: the archive writes every number as a string).
TWEET_ID = re.compile(r"[0-9]{1,25}")
ITEMS = frozenset({"item"})


def snowflake_time(tweet_id: str) -> datetime | None:
    """The creation time encoded in a tweet id: an upper bound for a like, never the like time."""
    try:
        return datetime.fromtimestamp(((int(tweet_id) >> 22) + TWITTER_EPOCH_MS) / 1000, UTC)
    except (ValueError, OverflowError, OSError):
        return None


def _id(value: Any) -> str | None:
    found = text(value)
    return found if found is not None and TWEET_ID.fullmatch(found) else None


def _unwrap(record: Any, key: str) -> dict[str, Any]:
    # tweets.js items are {"tweet": {...}}; the oldest archives have bare objects: accept both.
    inner = record.get(key, record) if isinstance(record, dict) else record
    if not isinstance(inner, dict):
        raise RecordError(f"{key} entry is not an object")
    return inner


def _start(value: Any) -> int:
    """``display_text_range[0]`` as a number; an odd range skips nothing."""
    try:
        return int(value[0]) if isinstance(value, list) and value else 0
    except (TypeError, ValueError, OverflowError):
        return 0


class XArchiveImporter:
    name = "x-archive"
    platform = "x"

    def check(self, export: Export) -> None:
        if not export.find_matching(lambda n: bool(TWEET_FILES.match(n) or LIKE_FILES.match(n))):
            raise ExportError(f"{export.path}: no tweets.js or like.js inside — is this an X archive?")

    def owner(self, export: Export) -> str | None:
        files = export.find("account.js")
        if not files:
            return None
        data = read_small_json(files[0], js_wrapper=True)
        for entry in data if isinstance(data, list) else []:
            acc = as_dict(_unwrap(entry, "account") if isinstance(entry, dict) else None)
            username = text(acc.get("username"))
            if username:
                return username
        return None

    def sources(self, export: Export, handle: str) -> list[Source]:
        def source(file: ExportFile, parse: Any) -> Source:
            return Source(file, ITEMS, lambda _s, record, i: parse(record, handle, file.name), js_wrapper=True)

        return ([source(f, self._tweet) for f in export.find_matching(lambda n: bool(TWEET_FILES.match(n)))]
                + [source(f, self._like) for f in export.find_matching(lambda n: bool(LIKE_FILES.match(n)))])

    def _tweet(self, record: Any, handle: str, file: str) -> Iterator[ActivityItem]:
        tweet = _unwrap(record, "tweet")
        tweet_id = _id(tweet.get("id_str")) or _id(tweet.get("id"))
        if tweet_id is None:
            raise RecordError("tweet without a numeric id_str")
        raw_time = text(tweet.get("created_at"))
        try:
            posted = datetime.strptime(raw_time or "", "%a %b %d %H:%M:%S %z %Y").astimezone(UTC)
        except (ValueError, OverflowError):
            raise RecordError(f"tweet {tweet_id}: unreadable created_at {raw_time!r:.80}") from None
        body = html.unescape(text(tweet.get("full_text")) or text(tweet.get("text")) or "")
        entities = as_dict(tweet.get("entities"))
        media = dicts((as_dict(tweet.get("extended_entities")) or entities).get("media"))
        # An edited tweet leaves every version; all of them are one post, its versions evidence. The first
        # version lists the versions, later ones name the first (platform-formats.md §3.1).
        edit_info = as_dict(tweet.get("edit_info"))
        versions = [v for v in (_id(t) for t in texts(as_dict(edit_info.get("initial")).get("editTweetIds"))) if v]
        post_id = versions[0] if versions else (_id(as_dict(edit_info.get("edit")).get("initialTweetId"))
                                                or tweet_id)
        extras = {
            "hashtags": [t for t in (text(h.get("text")) for h in dicts(entities.get("hashtags"))) if t],
            "mentions": [t for t in (text(m.get("screen_name")) for m in dicts(entities.get("user_mentions"))) if t],
            "links": [t for t in (text(u.get("expanded_url")) for u in dicts(entities.get("urls"))) if t],
            "media": [{"type": text(m.get("type")), "url": text(m.get("media_url_https"))} for m in media],
            "tweet_version_id": tweet_id,
        }
        url = f"https://x.com/{handle}/status/{post_id}"
        raw = record_bytes(tweet)

        if body.startswith("RT @"):
            # Archive retweets carry no original id: the cut original text is all there is.
            original = body.split(":", 1)[1].strip() if ":" in body else body
            yield ActivityItem(
                platform="x", kind="share", external_id=tweet_id, text="", context=original, url=url,
                occurred_at=posted, occurred_at_raw=raw_time, raw=raw, source_url=f"archive:{file}",
            )
            return
        parent = _id(tweet.get("in_reply_to_status_id_str")) or _id(tweet.get("in_reply_to_status_id"))
        if parent:
            start = _start(tweet.get("display_text_range"))
            body = body[start:].lstrip() if 0 < start < len(body) else body
        lang = text(tweet.get("lang"))
        post = PostItem(
            platform="x", external_id=post_id, url=url, author_handle=handle, text=body, extras=extras,
            lang="id" if lang == "in" else (lang[:16] if lang else None),
            parent_external_id=parent, posted_at=posted, posted_at_raw=raw_time,
            version=tweet_id, raw=raw, source_url=f"archive:{file}", source="import:x-archive",
        )
        kind = "comment" if parent else ("photo" if any(m.get("type") == "photo" for m in media) else "post")
        yield ActivityItem(
            platform="x", kind=kind, external_id=post_id, post=post, text=body, url=url,
            occurred_at=posted, occurred_at_raw=raw_time,
        )

    def _like(self, record: Any, handle: str, file: str) -> Iterator[ActivityItem]:
        like = _unwrap(record, "like")
        tweet_id = _id(like.get("tweetId"))
        if tweet_id is None:
            raise RecordError("like without a numeric tweetId")
        liked_text = text(like.get("fullText"))
        url = text(like.get("expandedUrl")) or f"https://x.com/i/web/status/{tweet_id}"
        target = PostItem(
            platform="x", external_id=tweet_id, url=url, text=html.unescape(liked_text) if liked_text else None,
            extras={"deleted_or_protected": liked_text is None}, posted_at=snowflake_time(tweet_id), partial=True,
            source="import:x-archive",
        )
        # like.js has no like time; the liked tweet's creation time is only an upper bound.
        yield ActivityItem(
            platform="x", kind="like", external_id=tweet_id, target=target, text="",
            context=target.text, url=url, occurred_at=None, raw=record_bytes(like), source_url=f"archive:{file}",
        )

"""X (Twitter) "Download an archive of your data": tweets.js and like.js (platform-formats.md §3.1)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from spiders.importers.base import Export, ExportError, ExportFile, ImportStats, read_small_json, record_bytes
from spiders.importers.base import stream_records as _stream
from spiders.items import ActivityItem, PostItem

TWEET_FILES = re.compile(r"^(tweets?|tweets-part\d+|tweet-part\d+)\.js$")
LIKE_FILES = re.compile(r"^like(-part\d+)?\.js$")
TWITTER_EPOCH_MS = 1288834974657


def snowflake_time(tweet_id: str) -> datetime | None:
    """The creation time encoded in a tweet id: an upper bound for a like, never the like time."""
    try:
        return datetime.fromtimestamp(((int(tweet_id) >> 22) + TWITTER_EPOCH_MS) / 1000, UTC)
    except (ValueError, OverflowError, OSError):
        return None


def _records(file: ExportFile, key: str) -> Iterator[Any]:
    # tweets.js items are {"tweet": {...}}; the oldest archives have bare objects: accept both.
    wrapped = file.size > 0 and _has_ytd_wrapper(file)
    for _prefix, record in _stream(file, {"item"}, js_wrapper=wrapped):
        yield record.get(key, record) if isinstance(record, dict) else record


def _has_ytd_wrapper(file: ExportFile) -> bool:
    with file.open() as fh:
        head = fh.read(256).lstrip()
    return not head.startswith(b"[")


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
            acc = entry.get("account", entry) if isinstance(entry, dict) else {}
            if acc.get("username"):
                return str(acc["username"])
        return None

    def activities(self, export: Export, handle: str, stats: ImportStats) -> Iterator[ActivityItem]:
        for file in export.find_matching(lambda n: bool(TWEET_FILES.match(n))):
            stats.files_read.append(file.name)
            for i, tweet in enumerate(_records(file, "tweet")):
                item = self._tweet(tweet, handle, file.name, i, stats)
                if item is not None:
                    yield item
        for file in export.find_matching(lambda n: bool(LIKE_FILES.match(n))):
            stats.files_read.append(file.name)
            for i, like in enumerate(_records(file, "like")):
                item = self._like(like, handle, file.name, i, stats)
                if item is not None:
                    yield item

    def _tweet(self, tweet: Any, handle: str, file: str, i: int, stats: ImportStats) -> ActivityItem | None:
        if not isinstance(tweet, dict) or not tweet.get("id_str"):
            stats.skip(file, i, "tweet without id_str")
            return None
        tweet_id = str(tweet["id_str"])
        raw_time = tweet.get("created_at")
        try:
            posted = datetime.strptime(raw_time, "%a %b %d %H:%M:%S %z %Y").astimezone(UTC)
        except (TypeError, ValueError):
            stats.skip(file, i, f"tweet {tweet_id}: unreadable created_at {raw_time!r}")
            return None
        text = html.unescape(str(tweet.get("full_text") or tweet.get("text") or ""))
        entities = tweet.get("entities") or {}
        media = (tweet.get("extended_entities") or entities).get("media") or []
        # An edited tweet leaves every version; all of them are one post, its versions evidence.
        edit_ids = ((tweet.get("edit_info") or {}).get("initial") or {}).get("editTweetIds") or [tweet_id]
        post_id = str(edit_ids[0])
        extras = {
            "hashtags": [h.get("text") for h in entities.get("hashtags") or [] if h.get("text")],
            "mentions": [m.get("screen_name") for m in entities.get("user_mentions") or [] if m.get("screen_name")],
            "links": [u.get("expanded_url") for u in entities.get("urls") or [] if u.get("expanded_url")],
            "media": [{"type": m.get("type"), "url": m.get("media_url_https")} for m in media],
            "tweet_version_id": tweet_id,
        }
        url = f"https://x.com/{handle}/status/{post_id}"
        raw = record_bytes(tweet)

        if text.startswith("RT @"):
            # Archive retweets carry no original id: the cut original text is all there is.
            original = text.split(":", 1)[1].strip() if ":" in text else text
            return ActivityItem(
                platform="x", kind="share", external_id=tweet_id, text="", context=original, url=url,
                occurred_at=posted, occurred_at_raw=raw_time, raw=raw, source_url=f"archive:{file}",
            )
        parent = tweet.get("in_reply_to_status_id_str")
        if tweet.get("display_text_range") and parent:
            start = int(tweet["display_text_range"][0])
            text = text[start:].lstrip() if 0 < start < len(text) else text
        post = PostItem(
            platform="x", external_id=post_id, url=url, author_handle=handle, text=text, extras=extras,
            lang="id" if tweet.get("lang") == "in" else tweet.get("lang"),
            parent_external_id=str(parent) if parent else None, posted_at=posted, posted_at_raw=raw_time,
            version=tweet_id, raw=raw, source_url=f"archive:{file}", source="import:x-archive",
        )
        kind = "comment" if parent else ("photo" if any(m.get("type") == "photo" for m in media) else "post")
        return ActivityItem(
            platform="x", kind=kind, external_id=post_id, post=post, text=text, url=url,
            occurred_at=posted, occurred_at_raw=raw_time,
        )

    def _like(self, like: Any, handle: str, file: str, i: int, stats: ImportStats) -> ActivityItem | None:
        if not isinstance(like, dict) or not like.get("tweetId"):
            stats.skip(file, i, "like without tweetId")
            return None
        tweet_id = str(like["tweetId"])
        text = like.get("fullText")
        url = like.get("expandedUrl") or f"https://x.com/i/web/status/{tweet_id}"
        created = snowflake_time(tweet_id)
        target = PostItem(
            platform="x", external_id=tweet_id, url=url, text=html.unescape(text) if text else None,
            extras={"deleted_or_protected": text is None}, posted_at=created, partial=True,
            source="import:x-archive",
        )
        # like.js has no like time; the liked tweet's creation time is only an upper bound.
        return ActivityItem(
            platform="x", kind="like", external_id=tweet_id, target=target, text="",
            context=target.text, url=url, occurred_at=None, raw=record_bytes(like), source_url=f"archive:{file}",
        )

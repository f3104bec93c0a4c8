"""Normalised records that spiders and importers hand to the ingestion store.

Plain dataclasses: Scrapy passes them through its item pipelines as they are
(it supports dataclass items via ``itemadapter``), and code without Scrapy —
the self-audit importers, tests, the store itself — builds them directly.

Every content record carries the raw bytes it was parsed from and the URL it
came from, so the store can keep them as evidence (platform-formats.md §0).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

ACTIVITY_KINDS = ("post", "share", "comment", "like", "photo")


def raw_json(obj: Any) -> bytes:
    """The bytes of one JSON object cut out of a larger response.

    A page holds many records; each record's evidence is the record itself,
    re-serialised compactly with its key order kept, the way servers send it.
    """
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def parse_time(raw: str | None) -> datetime | None:
    """RFC 3339 / ISO 8601 to an aware UTC datetime; None for absent or unparseable values."""
    if not raw or not isinstance(raw, str):
        return None
    text = raw.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


@dataclass(kw_only=True)
class PostItem:
    """Any piece of content seen: an own post, a candidate's post, a comment's parent.

    ``partial`` marks a post seen only as an embedded copy (a quoted post, a
    hydrated reply parent): it is stored when new but never overwrites the
    full record, because embedded views carry fewer fields.
    """

    platform: str
    external_id: str
    url: str | None = None
    author_handle: str | None = None
    author_external_id: str | None = None
    text: str | None = None
    # alt_texts, hashtags, mentions, links, media, quote, embeds (unknown types kept raw), ...
    extras: dict[str, Any] = field(default_factory=dict)
    lang: str | None = None
    parent_external_id: str | None = None
    posted_at: datetime | None = None
    posted_at_raw: str | None = None
    # The platform's version marker when it has one: a Bluesky cid, a Mastodon edited_at.
    version: str | None = None
    partial: bool = False
    raw: bytes = b""
    source_url: str | None = None
    media_type: str = "application/json"
    source: str = ""

    @property
    def subject_key(self) -> str:
        return f"{self.platform}:post:{self.external_id}"

    def content_fingerprint(self) -> str:
        """A hash of what the author wrote, independent of the view it arrived in.

        Counts, avatars and server-local media URLs change without the author
        doing anything, and the same post arrives in differently shaped views
        (author feed, thread, boost on another server); only a change in the
        author's content — an edit — may add an evidence version.
        """
        extras = self.extras or {}
        content = {
            "text": self.text or "",
            "alt_texts": extras.get("alt_texts") or [],
            "hashtags": sorted({str(t).lower() for t in extras.get("hashtags") or []}),
            "mentions": sorted(str(m) for m in extras.get("mentions") or []),
            "links": sorted(str(u) for u in extras.get("links") or []),
            "spoiler": extras.get("spoiler_text") or "",
            "lang": self.lang,
            "posted_at": self.posted_at_raw,
            "version": self.version,
        }
        return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass(kw_only=True)
class ActivityItem:
    """One act of a declared account: post, share, comment, like or photo.

    The declared account is named by whichever key the source knows: the
    registry id, the platform's permanent id (DID, account uri) or the handle.
    ``post`` is the account's own content (own post, comment); ``target`` is
    the post acted on (liked, shared, commented on, quoted). ``external_id``
    is the act's key within the account: the own post's id for posts and
    comments, the target's id for likes and shares (one can like a post only
    once), so the same like seen from two directions is stored once.
    """

    platform: str
    kind: str
    external_id: str
    account_id: int | None = None
    account_external_id: str | None = None
    account_handle: str | None = None
    post: PostItem | None = None
    target: PostItem | None = None
    text: str | None = None
    context: str | None = None
    url: str | None = None
    occurred_at: datetime | None = None
    occurred_at_raw: str | None = None
    # Evidence of the act itself (a like entry, a repost record); empty when
    # the own post's evidence is the evidence (posts, comments).
    raw: bytes = b""
    source_url: str | None = None
    media_type: str = "application/json"
    source: str = ""
    self_audit: bool = False

    def __post_init__(self) -> None:
        if self.kind not in ACTIVITY_KINDS:
            raise ValueError(f"activity kind {self.kind!r} is not one of {', '.join(ACTIVITY_KINDS)}")
        if not self.external_id:
            raise ValueError("activity external_id is empty")

    @property
    def account_ref(self) -> str:
        return str(self.account_id or self.account_external_id or self.account_handle)

    @property
    def subject_key(self) -> str:
        return f"{self.platform}:{self.kind}:{self.account_ref}|{self.external_id}"


@dataclass(kw_only=True)
class AccountStateItem:
    """What a crawl learnt about a declared or watched account: its id, its state, its labels."""

    platform: str
    handle: str
    account_id: int | None = None
    watched_account_id: int | None = None
    external_id: str | None = None
    state: str | None = None  # active | not_found | suspended | deactivated
    labels: list[Any] | None = None
    reason: str | None = None
    source_url: str | None = None


@dataclass(kw_only=True)
class CrawlCheckpointItem:
    """The resume point of an account, emitted once its pages were all read without error."""

    platform: str
    handle: str
    crawl_state: dict[str, Any]
    account_id: int | None = None
    watched_account_id: int | None = None


@dataclass(kw_only=True)
class TombstoneItem:
    """A post that re-fetched as not found: marked deleted, never removed."""

    platform: str
    external_id: str
    source_url: str | None = None
    reason: str | None = None

"""Normalised records that spiders and importers hand to the ingestion store.

Plain dataclasses: Scrapy passes them through its item pipelines as they are
(it supports dataclass items via ``itemadapter``), and code without Scrapy —
the self-audit importers, tests, the store itself — builds them directly.

Every content record carries the raw bytes it was parsed from and the URL it
came from, so the store can keep them as evidence (platform-formats.md §0).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

ACTIVITY_KINDS = ("post", "share", "comment", "like", "photo", "follow")

# A UTF-16 surrogate that is not part of a pair: valid in JSON ("\ud83d"), not encodable as UTF-8, refused
# by PostgreSQL and by the tokenizer. NUL is refused by PostgreSQL in text and JSON.
_UNPAIRED_SURROGATE = re.compile("[\ud800-\udfff]")
# Where orjson's float notation may differ from the standard library's (below 1e-4: "0.00001" for "1e-05",
# "1e-7" for "1e-07"): any exponent, and a fixed notation with four zeros after the point. Text that
# looks like either ("2e5", "0.0000") only sends the record the slow way.
_FLOAT_NOTATION = re.compile(rb"[0-9][eE][-+]?[0-9]|0\.0000")


def clean_text(value: str) -> str:
    """Text as it can be stored and read: unpaired surrogates become U+FFFD, NUL characters go."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    return _UNPAIRED_SURROGATE.sub("\ufffd", value)


def needs_cleaning(value: Any) -> bool:
    """Whether :func:`clean` would change ``value``; cheap enough to ask of every record.

    orjson refuses a string with an unpaired surrogate and writes NUL as ``\\u0000``; it also refuses what
    it cannot write (bytes, keys that are not strings), which are then walked the slow way. A text that
    merely contains a backslash and "u0000" is walked too, needlessly but harmlessly.
    """
    try:
        return b"\\u0000" in orjson.dumps(value)
    except (TypeError, orjson.JSONEncodeError):
        return True


def clean(value: Any) -> Any:
    """:func:`clean_text` through nested lists and dicts (keys too)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if isinstance(value, dict):
        return {clean(k) if isinstance(k, str) else k: clean(v) for k, v in value.items()}
    return value


def raw_json(obj: Any) -> bytes:
    """The bytes of one JSON object cut out of a larger response.

    A page holds many records; each record's evidence is the record itself,
    re-serialised compactly with its key order kept, the way servers send it.
    A record holding an unpaired surrogate keeps it escaped, exactly as it arrived.

    orjson writes the same bytes as ``json.dumps(obj, ensure_ascii=False, separators=(",", ":"))``
    (tests/test_items.py) some 15 times faster, except floats below 1e-4 ("0.00001" or "1e-7" where
    the standard library writes "1e-05", "1e-07"): a record that may hold one (an exponent, or
    "0.0000"), and what orjson refuses (an unpaired surrogate, an integer beyond 64 bits, NaN), are
    written by the standard library as before.
    """
    try:
        written = orjson.dumps(obj)
        if not _FLOAT_NOTATION.search(written):
            return written
    except (TypeError, orjson.JSONEncodeError):
        pass
    try:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(obj, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def loads(body: bytes | str) -> Any:
    """A JSON document, decoded by orjson (some 5 times faster than the standard library on API pages) or,
    for what orjson refuses but JSON parsers accept (escaped unpaired surrogates, NaN, integers beyond
    64 bits), by the standard library; raises ``ValueError`` for malformed JSON as ``json.loads`` does."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return json.loads(body)


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

    def __post_init__(self) -> None:
        if not isinstance(self.external_id, str) or not self.external_id:
            raise ValueError(f"post external_id must be a non-empty string, got {self.external_id!r}")
        for name in ("url", "author_handle", "author_external_id", "text", "lang", "parent_external_id",
                     "posted_at_raw", "version"):
            value = getattr(self, name)
            if value is not None:
                setattr(self, name, clean_text(value if isinstance(value, str) else str(value)))
        self.extras = clean(self.extras) if self.extras and needs_cleaning(self.extras) else (self.extras or {})

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
    """One act of a declared account: post, share, comment, like, photo or follow.

    The declared account is named by whichever key the source knows: the
    registry id, the platform's permanent id (DID, account uri) or the handle.
    ``post`` is the account's own content (own post, comment); ``target`` is
    the post acted on (liked, shared, commented on, quoted). ``external_id``
    is the act's key within the account: the own post's id for posts and
    comments, the target's id for likes and shares (one can like a post only
    once), so the same like seen from two directions is stored once. A follow's
    target is the followed account's profile (:func:`profile_post`) and its key
    the followed account's platform id.
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
        if not isinstance(self.external_id, str) or not self.external_id:
            raise ValueError(f"activity external_id must be a non-empty string, got {self.external_id!r}")
        for name in ("text", "context", "url", "account_handle", "account_external_id", "occurred_at_raw"):
            value = getattr(self, name)
            if value is not None:
                setattr(self, name, clean_text(value if isinstance(value, str) else str(value)))

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
    """A change to an account's resume point, emitted when one reading of its pages ended.

    The store merges it into what is saved, so readings that end in different processes (a
    distributed crawl) or not at all (a fault) never undo each other: ``crawl_state`` keys are
    set, ``advance`` keys only ever move forward, and ``gaps`` — stretches of the account's
    history a capped reading left unread, each with where to continue and where to stop — are
    added, updated or removed by id. The store holds the change back while acts of the account
    wait in the retry table.
    """

    platform: str
    handle: str
    crawl_state: dict[str, Any] = field(default_factory=dict)
    advance: dict[str, str] = field(default_factory=dict)
    gaps_set: dict[str, dict[str, Any]] = field(default_factory=dict)
    gaps_remove: list[str] = field(default_factory=list)
    account_id: int | None = None
    watched_account_id: int | None = None


@dataclass(kw_only=True)
class TombstoneItem:
    """A post that re-fetched as not found: marked deleted, never removed."""

    platform: str
    external_id: str
    source_url: str | None = None
    reason: str | None = None


@dataclass(kw_only=True)
class FollowChangeItem:
    """A follow seen ending or seen again, judged on the account's following list read to its end.

    ``following=False``: a follow seen earlier is gone (an unfollow); ``True``: an account followed
    earlier, then unfollowed, is followed again. The follow activity and its evidence stay either
    way: the store sets or clears the activity's ``ended_at`` and keeps this observation (``raw``:
    what was read and when) as the next evidence version of the act.
    """

    platform: str
    external_id: str  # the followed account's platform id, as in the follow activity
    following: bool
    account_id: int | None = None
    account_external_id: str | None = None
    account_handle: str | None = None
    observed_at: datetime | None = None
    raw: bytes = b""
    source_url: str | None = None
    source: str = ""

    @property
    def subject_key(self) -> str:
        return f"{self.platform}:follow:{self.account_id or self.account_external_id or self.account_handle}" \
            f"|{self.external_id}"


@dataclass(kw_only=True)
class QuarantineItem:
    """A record that could not be read: kept raw with its account, URL and error, counted on the run."""

    platform: str
    account: str | None
    url: str | None
    error: str
    raw: bytes


@dataclass
class ItemBatch:
    """The items one response gave, in the order the spider yielded them, as one Scrapy item.

    Built by ``spiders.batching.PageBatches`` when every item pipeline of the crawl takes batches; the
    pipelines store (or drop) the acts inside one by one, as they would the items themselves.
    """

    items: list[Any]


def profile_post(platform: str, account_id: str, *, handle: str | None, name: str | None, bio: str | None,
                 url: str | None, raw: bytes, source_url: str | None, source: str) -> PostItem:
    """A followed account's public profile as a post-like record: its bio is the text, its name in extras.

    Kept under ``account:<platform id>`` so a profile never shares a key with a post of the same platform
    (X user ids and tweet ids are both numbers). A changed name or bio is a new evidence version.
    """
    return PostItem(platform=platform, external_id=f"account:{account_id}", url=url, author_handle=handle,
                    author_external_id=account_id, text=bio or "",
                    extras={"profile": True, **({"display_name": name} if name else {})}, raw=raw,
                    source_url=source_url, source=source)


def profile_context(name: str | None, handle: str | None, bio: str | None) -> str:
    """What a follow is read by (classifier and reviewer): the followed account's name, handle and bio."""
    head = " ".join(part for part in (name or "", f"(@{handle.lstrip('@')})" if handle else "") if part)
    return "\n".join(part for part in (head, (bio or "").strip()) if part)


# Items that can wait in the retry table (``ingest_retry``) when the database refuses them.
RETRYABLE = {cls.__name__: cls for cls in (PostItem, ActivityItem, TombstoneItem, FollowChangeItem)}


def item_to_json(item: Any) -> dict[str, Any]:
    """An item as JSON (bytes as base64, times as ISO text), to be rebuilt by :func:`item_from_json`."""

    def encode(value: Any) -> Any:
        if isinstance(value, bytes):
            return {"$b64": base64.b64encode(value).decode("ascii")}
        if isinstance(value, datetime):
            return {"$dt": value.isoformat()}
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return {"$item": type(value).__name__,
                    **{f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}}
        if isinstance(value, dict):
            return {k: encode(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [encode(v) for v in value]
        return value

    return encode(item)  # type: ignore[no-any-return]


def item_from_json(data: dict[str, Any]) -> Any:
    def decode(value: Any) -> Any:
        if isinstance(value, dict):
            if "$b64" in value:
                return base64.b64decode(value["$b64"])
            if "$dt" in value:
                return datetime.fromisoformat(value["$dt"])
            if "$item" in value:
                cls = RETRYABLE[value["$item"]]
                return cls(**{k: decode(v) for k, v in value.items() if k != "$item"})
            return {k: decode(v) for k, v in value.items()}
        if isinstance(value, list):
            return [decode(v) for v in value]
        return value

    return decode(data)

"""Normalising declared handles: ``@Name``, profile URLs and case all become one key per platform."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from monitor.db.schema import PLATFORMS

# Registry spellings people use for each platform.
PLATFORM_ALIASES = {
    "twitter": "x",
    "x": "x",
    "x.com": "x",
    "ig": "instagram",
    "instagram": "instagram",
    "fb": "facebook",
    "facebook": "facebook",
    "tiktok": "tiktok",
    "tik tok": "tiktok",
    "bluesky": "bluesky",
    "bsky": "bluesky",
    "mastodon": "mastodon",
    "fediverse": "mastodon",
    "youtube": "youtube",
    "yt": "youtube",
    "rss": "rss",
    "feed": "rss",
    "blog": "rss",
}


class InvalidHandle(ValueError):
    """The handle cannot be understood for its platform."""


def normalise_platform(raw: str) -> str:
    key = (raw or "").strip().lower()
    platform = PLATFORM_ALIASES.get(key)
    if platform is None or platform not in PLATFORMS:
        known = ", ".join(sorted(set(PLATFORM_ALIASES.values())))
        raise InvalidHandle(f"unknown platform {raw!r} (known: {known})")
    return platform


_SIMPLE_NAME = re.compile(r"^[a-z0-9._]{1,64}$")


def _path_parts(url: str) -> list[str]:
    return [p for p in urlparse(url).path.split("/") if p]


def normalise_handle(platform: str, raw: str) -> str:
    """Return the canonical handle for ``platform`` or raise :class:`InvalidHandle`."""
    value = (raw or "").strip()
    if not value:
        raise InvalidHandle("handle is empty")
    # "x.com/name" and "www.instagram.com/name" are URLs people paste without a scheme.
    is_url = bool(re.match(r"^(https?://|www\.|[\w-]+(\.[\w-]+)*\.[a-z]{2,}/)", value, re.I))
    if is_url and not value.lower().startswith("http"):
        value = "https://" + value

    if platform == "rss":
        if not is_url:
            raise InvalidHandle(f"an RSS source must be a feed URL, got {raw!r}")
        return value
    if platform == "youtube":
        if is_url:
            parts = _path_parts(value)
            query = parse_qs(urlparse(value).query)
            if "channel_id" in query:
                return query["channel_id"][0]  # channel ids are case-sensitive
            if parts and parts[0].startswith("@"):
                return parts[0].lower()
            if len(parts) >= 2 and parts[0] == "channel":
                return parts[1]
            raise InvalidHandle(f"cannot find a YouTube channel in {raw!r}")
        return value if value.startswith("UC") else "@" + value.lstrip("@").lower()
    if platform == "mastodon":
        if is_url:
            host = urlparse(value).hostname or ""
            parts = _path_parts(value)
            if not parts or not parts[0].startswith("@"):
                raise InvalidHandle(f"cannot find a Mastodon account in {raw!r}")
            user = parts[0].lstrip("@")
            if "@" not in user:
                user = f"{user}@{host}"
            return user.lower()
        value = value.lstrip("@").lower()
        # The account's home server is part of its identity (platform-formats.md §2.1).
        if value.count("@") != 1 or not value.split("@")[0] or "." not in value.split("@")[1]:
            raise InvalidHandle(f"a Mastodon handle needs its server: user@host, got {raw!r}")
        return value
    if platform == "bluesky":
        if is_url:
            parts = _path_parts(value)
            if len(parts) >= 2 and parts[0] == "profile":
                value = parts[1]
            else:
                raise InvalidHandle(f"cannot find a Bluesky profile in {raw!r}")
        value = value.lstrip("@").lower()
        if value.startswith("did:"):
            return value
        if "." not in value:
            raise InvalidHandle(f"a Bluesky handle is a domain name (name.bsky.social), got {raw!r}")
        return value
    if platform == "facebook":
        if is_url:
            query = parse_qs(urlparse(value).query)
            if "id" in query:
                return query["id"][0]
            parts = _path_parts(value)
            if not parts:
                raise InvalidHandle(f"cannot find a Facebook profile in {raw!r}")
            value = parts[0]
        value = value.lstrip("@").lower()
        if not re.match(r"^[a-z0-9.]{1,64}$", value):
            raise InvalidHandle(f"invalid Facebook username {raw!r}")
        return value
    # x, instagram, tiktok: a username, case-insensitive on the platform.
    if is_url:
        parts = _path_parts(value)
        if not parts:
            raise InvalidHandle(f"cannot find a username in {raw!r}")
        value = parts[0]
    value = value.lstrip("@").lower()
    if not _SIMPLE_NAME.match(value):
        raise InvalidHandle(f"invalid {platform} username {raw!r}")
    return value

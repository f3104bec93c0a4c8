"""Bluesky handles are domain names (``name.bsky.social``) or DIDs; profile URLs are ``/profile/<handle>``."""

from __future__ import annotations

from spiders.platforms.handles import InvalidHandle, as_url, path_parts


def normalise(raw: str) -> str:
    value = raw
    url = as_url(raw)
    if url:
        parts = path_parts(url)
        if len(parts) < 2 or parts[0] != "profile":
            raise InvalidHandle(f"cannot find a Bluesky profile in {raw!r}")
        value = parts[1]
    value = value.lstrip("@").lower()
    if value.startswith("did:"):
        return value
    if "." not in value:
        raise InvalidHandle(f"a Bluesky handle is a domain name (name.bsky.social), got {raw!r}")
    return value

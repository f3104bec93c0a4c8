"""Mastodon handles are ``user@server``: the home server is part of the identity (platform-formats.md §2.1)."""

from __future__ import annotations

from spiders.platforms.handles import InvalidHandle, as_url, host, path_parts


def normalise(raw: str) -> str:
    url = as_url(raw)
    if url:
        parts = path_parts(url)
        if not parts or not parts[0].startswith("@"):
            raise InvalidHandle(f"cannot find a Mastodon account in {raw!r}")
        user = parts[0].lstrip("@")
        if "@" not in user:
            user = f"{user}@{host(url)}"
        return user.lower()
    value = raw.lstrip("@").lower()
    if value.count("@") != 1 or not value.split("@")[0] or "." not in value.split("@")[1]:
        raise InvalidHandle(f"a Mastodon handle needs its server: user@host, got {raw!r}")
    return value

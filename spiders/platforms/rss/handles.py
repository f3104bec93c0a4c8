"""An RSS/Atom source is declared by its feed URL."""

from __future__ import annotations

from spiders.platforms.handles import InvalidHandle, as_url


def normalise(raw: str) -> str:
    url = as_url(raw)
    if not url:
        raise InvalidHandle(f"an RSS source must be a feed URL, got {raw!r}")
    return url

"""TikTok usernames: case-insensitive, from ``@name`` or a profile URL."""

from __future__ import annotations

from spiders.platforms.handles import username


def normalise(raw: str) -> str:
    return username("tiktok", raw)

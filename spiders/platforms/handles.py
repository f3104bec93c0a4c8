"""What every platform's handle rule shares: recognising pasted URLs, their path, plain usernames."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse


class InvalidHandle(ValueError):
    """The handle cannot be understood for its platform."""


_URLISH = re.compile(r"^(https?://|www\.|[\w-]+(\.[\w-]+)*\.[a-z]{2,}/)", re.I)
_SIMPLE_NAME = re.compile(r"^[a-z0-9._]{1,64}$")


def as_url(value: str) -> str | None:
    """``value`` as an absolute URL when it is one ("x.com/name" and "www.…" are pasted without a scheme)."""
    if not _URLISH.match(value):
        return None
    return value if value.lower().startswith("http") else "https://" + value


def path_parts(url: str) -> list[str]:
    return [p for p in urlparse(url).path.split("/") if p]


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query)


def host(url: str) -> str:
    return urlparse(url).hostname or ""


def username(platform: str, raw: str) -> str:
    """A case-insensitive username (X, Instagram, TikTok), from ``@Name`` or a profile URL."""
    url = as_url(raw)
    value = raw
    if url:
        parts = path_parts(url)
        if not parts:
            raise InvalidHandle(f"cannot find a username in {raw!r}")
        value = parts[0]
    value = value.lstrip("@").lower()
    if not _SIMPLE_NAME.match(value):
        raise InvalidHandle(f"invalid {platform} username {raw!r}")
    return value

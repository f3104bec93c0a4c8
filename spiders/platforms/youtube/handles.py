"""YouTube channels: ``@handle`` (case-insensitive) or a channel id ``UC…`` (case-sensitive), or their URLs."""

from __future__ import annotations

from spiders.platforms.handles import InvalidHandle, as_url, path_parts, query


def normalise(raw: str) -> str:
    url = as_url(raw)
    if url:
        parts = path_parts(url)
        params = query(url)
        if "channel_id" in params:
            return params["channel_id"][0]
        if parts and parts[0].startswith("@"):
            return parts[0].lower()
        if len(parts) >= 2 and parts[0] == "channel":
            return parts[1]
        raise InvalidHandle(f"cannot find a YouTube channel in {raw!r}")
    return raw if raw.startswith("UC") else "@" + raw.lstrip("@").lower()

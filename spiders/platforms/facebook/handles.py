"""Facebook profiles: a username (letters, digits, dots) or the numeric id of ``profile.php?id=``."""

from __future__ import annotations

import re

from spiders.platforms.handles import InvalidHandle, as_url, path_parts, query

_USERNAME = re.compile(r"^[a-z0-9.]{1,64}$")


def normalise(raw: str) -> str:
    value = raw
    url = as_url(raw)
    if url:
        params = query(url)
        if "id" in params:
            return params["id"][0]
        parts = path_parts(url)
        if not parts:
            raise InvalidHandle(f"cannot find a Facebook profile in {raw!r}")
        value = parts[0]
    value = value.lstrip("@").lower()
    if not _USERNAME.match(value):
        raise InvalidHandle(f"invalid Facebook username {raw!r}")
    return value

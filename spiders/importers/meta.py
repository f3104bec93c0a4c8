"""Helpers for Meta's exports (Instagram and Facebook): mojibake, label_values, times."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from spiders.importers.base import key_text, repair_strings


def fix(record: Any) -> Any:
    """Meta escapes each UTF-8 byte separately; repair every string before reading it."""
    return repair_strings(record)


def unix_time(value: Any) -> datetime | None:
    """Seconds since 1970 as a number or digits; anything else (null, text, a list, year 300000) is no time."""
    if isinstance(value, bool):
        return None
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (TypeError, ValueError, OverflowError, OSError, ArithmeticError):
        return None


def label_values(entries: Any) -> dict[str, str]:
    """Flatten the newer ``label_values`` form: every nested ``label`` → ``value`` (or ``href``)."""
    out: dict[str, str] = {}

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for n in node:
                walk(n)
        elif isinstance(node, dict):
            label = node.get("label")
            if isinstance(label, str) and label and ("value" in node or "href" in node) and label not in out:
                value = node.get("value") or node.get("href") or ""
                if isinstance(value, str | int | float):
                    out[label] = str(value)
            for key in ("dict", "vec", "label_values"):
                if key in node:
                    walk(node[key])

    walk(entries)
    return out


def text_key(*parts: Any) -> str:
    """A stable key for records without ids: time plus a hash of the text (platform-formats.md §5)."""
    # surrogatepass: a lone surrogate in the text still hashes (to the same key every time).
    digest = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return key_text(f"{parts[0]}:{digest}")

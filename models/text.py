"""Text as the matcher and the tokenizer can read it, whatever the caller passes.

``netra classify`` reads JSONL written by anyone: JSON may hold an unpaired
UTF-16 surrogate (``"\\ud83d"``, half an emoji) that the fast tokenizer refuses
with a ``TypeError`` for the whole batch, and NUL characters. The spiders clean
what they store (``spiders.items.clean_text``); ``models`` may not import them,
so the same rule lives here.
"""

from __future__ import annotations

import re
import unicodedata

# A UTF-16 surrogate that is not part of a pair: not encodable as UTF-8, refused by the tokenizer.
_UNPAIRED_SURROGATE = re.compile("[\ud800-\udfff]")
# Invisible characters that carry no words: zero-width space/joiners, word joiner, BOM, soft hyphen.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")


def clean_text(value: str) -> str:
    """Unpaired surrogates become U+FFFD, NUL characters go (as ``spiders.items.clean_text``)."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    return _UNPAIRED_SURROGATE.sub("\ufffd", value)


def has_visible_text(value: str | None) -> bool:
    """Whether ``value`` holds anything a reader sees: not only spaces, zero-width or control characters."""
    if not value:
        return False
    return any(
        not (ch.isspace() or ch in _INVISIBLE or unicodedata.category(ch) in ("Cc", "Cf", "Cs") or ch == "\ufffd")
        for ch in value
    )


def tweet_words(text: str) -> str:
    """A tweet's words only: the corpus repeats tweets with and without ``RT``, mentions, links and punctuation."""
    text = re.sub(r"\b(?:rt|user|url)\b|@\w+", " ", text.lower())
    return " ".join(re.findall(r"[^\W_]+", text))

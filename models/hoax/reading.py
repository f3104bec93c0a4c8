"""How an act is read for matching: its text, the readings it is searched with, the words it is compared by."""

from __future__ import annotations

from typing import Protocol

from models.hoax.regional import to_indonesian
from models.text import clean_text, has_visible_text

# Regional words replaced (models/hoax/regional.py) before an act is also read in its Indonesian form: one
# shared word ("aku", "ora") is as likely a loan in an Indonesian sentence as a sign of another language.
REGIONAL_WORDS = 2


class ActLike(Protocol):
    """What matching reads of an act (``models.infer.ClassifyInput`` is one)."""

    kind: str
    text: str
    context: str | None


def act_text(act: ActLike) -> str:
    """The text an act is matched on: its own words, then the post it acts on."""
    own = clean_text(act.text or "").strip()
    context = clean_text(act.context or "").strip()
    return "\n".join(part for part in (own, context) if part)


def act_views(act: ActLike) -> list[str]:
    """The texts an act is searched with: all of it, and its own words alone when it has a context too;
    and each of those in Indonesian words when it is written in a regional language (``regional.py``)."""
    whole = act_text(act)
    own = clean_text(act.text or "").strip()
    context = clean_text(act.context or "").strip()
    views = [whole, own] if own and context and has_visible_text(own) else [whole]
    for view in list(views):
        indonesian, replaced = to_indonesian(view)
        if replaced >= REGIONAL_WORDS:
            views.append(indonesian)
    return list(dict.fromkeys(views))


def overlap_text(act: ActLike) -> str:
    """The act's words for the overlap with a claim: as written, plus their Indonesian form when regional."""
    text = act_text(act)
    indonesian, replaced = to_indonesian(text)
    return f"{text}\n{indonesian}" if replaced >= REGIONAL_WORDS else text


def novelty_texts(act: ActLike) -> list[str]:
    """The act's words its novelty is measured on: all of it, and its own words alone when it has both (a comment
    repeating a detail of the claim under a post about something else says nothing new itself)."""
    whole = overlap_text(act)
    own = clean_text(act.text or "").strip()
    if not own or not act.context or not has_visible_text(own):
        return [whole]
    indonesian, replaced = to_indonesian(own)
    return [whole, f"{own}\n{indonesian}" if replaced >= REGIONAL_WORDS else own]

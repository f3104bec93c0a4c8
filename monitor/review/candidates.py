"""Candidates by name for the queue's candidate filter: the choices offered, and a typed name resolved.

The classifier stores a candidate's id (``k1``) with the profile it was classified under; reviewers know
candidates by name. A name is resolved in every stored profile (items of an earlier election keep theirs);
a value that names no candidate is taken as an id, as API clients and older links send.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from models.profile import ProfileError, load_profile_text
from monitor.db.schema import Classification, ElectionProfile

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class CandidateChoice:
    profile_id: str
    candidate_id: str
    number: int
    name: str  # the ticket as one line: "Sutrisno Wibowo – Dewi Lestari Anggraeni"
    keys: frozenset[str]  # the ticket, each name and each alias, as :func:`name_key` writes them


def name_key(value: str) -> str:
    """A name compared by its words only: case, dashes, dots and spacing do not matter."""
    return " ".join(word.casefold() for word in _WORD.findall(value))


@lru_cache(maxsize=16)
def _choices(profile_id: str, source_yaml: str) -> tuple[CandidateChoice, ...]:
    try:
        profile = load_profile_text(source_yaml, source=f"profile {profile_id}")
    except ProfileError:
        return ()
    out = []
    for cand in profile.candidates:
        name = " – ".join(cand.names)
        keys = {name_key(n) for n in (name, *cand.names, *cand.aliases)} - {""}
        out.append(CandidateChoice(profile_id, cand.id, cand.number, name, frozenset(keys)))
    return tuple(out)


def candidate_choices(session: Session, *, every_profile: bool = False) -> list[CandidateChoice]:
    """The candidates of the active election profile (of every stored one with ``every_profile``)."""
    query = select(ElectionProfile.id, ElectionProfile.source_yaml)
    if not every_profile:
        query = query.where(ElectionProfile.active.is_(True)).order_by(ElectionProfile.loaded_at.desc()).limit(1)
    return [choice for pid, source in session.execute(query) for choice in _choices(pid, source)]


def candidate_condition(session: Session, value: str) -> ColumnElement[bool]:
    """SQL on ``Classification``: the item's candidate is the one ``value`` names (or has as id)."""
    key = name_key(value)
    named = [c for c in candidate_choices(session, every_profile=True) if key and key in c.keys]
    by_id = Classification.candidate == value
    if not named:
        return by_id
    return or_(by_id, *(and_(Classification.profile_id == c.profile_id, Classification.candidate == c.candidate_id)
                        for c in named))

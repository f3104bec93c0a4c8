"""Reviewed items as labelled training examples (``models/data/LABEL_GUIDE.md`` format).

Only items whose latest decision is final (``pelanggaran`` or ``bukan_pelanggaran``)
flow back. A human "not a breach" on a flagged item is a hard negative; a
breach takes its labels from the decision, falling back to the classification.
Examples the guide would reject (e.g. a partisan breach naming no candidate or
party) are skipped and reported, never written half-right.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.profile import ElectionProfile as LoadedProfile
from monitor.db.schema import Decision, ReviewItem
from monitor.review.case_file import alt_texts
from monitor.review.decisions import item_profile

FINAL_VERDICTS = ("pelanggaran", "bukan_pelanggaran")
# Codes LABEL_GUIDE.md lists for the optional ``violation`` key ("other" is not one).
GUIDE_VIOLATIONS = frozenset({
    "social_campaign", "campaign_account_interaction", "partisan_photo", "partisan_appeal", "campaign_attendance",
    "campaign_props", "party_membership", "campaign_team_role", "independent_support", "official_favouritism",
    "self_candidacy", "hate_speech", "hoax", "money_politics",
})


class Skip(Exception):
    """This reviewed item cannot become a valid example; the message says why."""


@dataclass
class ExportResult:
    written: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)


def _canonical_party(name: str | None, profile: LoadedProfile | None) -> str | None:
    if not name:
        return None
    if profile is None:
        return name
    wanted = name.strip().lower()
    for party in profile.parties:
        if wanted in {party.name.lower(), *(a.lower() for a in party.aliases)}:
            return party.name
    for cand in profile.candidates:
        for party_name in cand.parties:
            if party_name.lower() == wanted:
                return party_name
    raise Skip(f"party {name!r} is not in profile {profile.id}")


def _texts(item: ReviewItem) -> tuple[str, str | None]:
    act = item.activity
    if act.kind == "like":
        own = ""
    else:
        own = act.text if act.text is not None else (act.post.text if act.post else "") or ""
        alts = alt_texts(act.post.extras if act.post else None)
        if act.kind == "photo" and alts:
            own = f"{own}\nAlt: {' '.join(alts)}" if own else f"Alt: {' '.join(alts)}"
    context = act.context_text or (act.target_post.text if act.target_post else None)
    if act.kind in ("like", "share", "comment") and not context:
        raise Skip(f"a {act.kind} without the content it acted on")
    return own, context


def example(session: Session, item: ReviewItem, decision: Decision) -> dict[str, Any]:
    """The labelled example for ``item`` under its latest ``decision``; raises Skip when it cannot be valid."""
    cls = item.classification
    _, profile = item_profile(session, item)
    text, context = _texts(item)
    record: dict[str, Any] = {
        "id": f"rev-{item.id}", "profile": cls.profile_id, "kind": item.activity.kind, "text": text,
        "context": context, "platform": item.activity.account.platform,
    }
    if decision.verdict == "bukan_pelanggaran":
        # Flagged by the model, cleared by a person: exactly the hard negatives the guide asks for.
        return record | {"stance": "none", "hate": False, "candidate": None, "party": None, "violation": None,
                         "hard_negative": True}
    code = decision.violation_code
    candidate = decision.candidate or cls.candidate
    party = _canonical_party(decision.party or cls.party, profile)
    if candidate is not None and profile is not None and profile.candidate(candidate) is None:
        raise Skip(f"candidate {candidate!r} is not in profile {profile.id}")
    hate = code == "hate_speech"
    if code in ("hate_speech", "hoax"):
        stance = cls.stance if cls.stance != "none" else ("oppose" if candidate or party else "none")
    else:
        stance = cls.stance if cls.stance != "none" else "support"
    if stance == "none":
        candidate = party = None
    elif candidate is None and party is None:
        raise Skip(f"stance {stance} but no candidate or party named")
    return record | {"stance": stance, "hate": hate, "candidate": candidate, "party": party,
                     "violation": code if code in GUIDE_VIOLATIONS else None, "hard_negative": False}


def reviewed_items(session: Session, agency_id: int | None = None) -> Iterator[tuple[ReviewItem, Decision]]:
    """Decided items with their latest decision, oldest item first."""
    query = select(ReviewItem).where(ReviewItem.status == "decided").order_by(ReviewItem.id)
    if agency_id is not None:
        query = query.where(ReviewItem.agency_id == agency_id)
    for item in session.scalars(query):
        latest = session.scalar(
            select(Decision).where(Decision.review_item_id == item.id).order_by(Decision.id.desc()).limit(1)
        )
        if latest is not None and latest.verdict in FINAL_VERDICTS:
            yield item, latest


def export_reviewed(session: Session, output: Path, agency_id: int | None = None) -> ExportResult:
    """Write the examples as JSONL (UTF-8) to ``output``, atomically; returns counts and skipped items."""
    result = ExportResult()
    tmp = output.with_name(output.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for item, decision in reviewed_items(session, agency_id):
            try:
                record = example(session, item, decision)
            except Skip as why:
                result.skipped.append((item.id, str(why)))
                continue
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            result.written += 1
    tmp.replace(output)
    return result



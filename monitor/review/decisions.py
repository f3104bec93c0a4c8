"""Reviewers' decisions: validation, defaults (clause, register) and the append-only history.

A decision never changes; a later one supersedes it (``supersedes_id``) and the
review item's status follows the latest (domain.md §6).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.profile import ElectionProfile as LoadedProfile
from models.profile import ProfileError, load_profile_text
from monitor.access.scoping import may_decide
from monitor.db.schema import REGISTERS, VERDICTS, Decision, ElectionProfile, ReviewItem, User
from monitor.db.vocabulary import (
    CLAUSES,
    NOT_BREACH_REASONS,
    VIOLATIONS,
    default_clauses,
    format_clauses,
)
from monitor.review.queue import act_day

MAX_NOTE_LENGTH = 4000
STATUS_AFTER: dict[str, str] = {
    "pelanggaran": "decided",
    "bukan_pelanggaran": "decided",
    "perlu_klarifikasi": "clarification",
    "eskalasi": "escalated",
}
# Codes that are partisanship toward someone: the decision must name the candidate or party concerned.
CODES_NEEDING_TARGET = frozenset({
    "social_campaign", "campaign_account_interaction", "partisan_photo", "partisan_appeal", "campaign_attendance",
    "campaign_props", "party_membership", "campaign_team_role", "independent_support", "official_favouritism",
})


class DecisionError(ValueError):
    """A decision was refused; ``field`` names the form field, the message says why (in Indonesian)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class DecisionForbidden(PermissionError):
    """The user may not decide this item."""


@dataclass(frozen=True)
class DecisionInput:
    verdict: str
    note: str = ""
    violation_code: str | None = None
    clauses: tuple[str, ...] | None = None  # None: defaulted from the code
    register: str | None = None  # None: defaulted from the dates
    candidate: str | None = None
    party: str | None = None
    reason: str | None = None
    # The latest decision id the reviewer saw; a mismatch means someone decided meanwhile.
    expected_latest_id: int | None = None


def item_profile(session: Session, item: ReviewItem) -> tuple[ElectionProfile | None, LoadedProfile | None]:
    """The election profile the item was classified under: the stored row and, when it parses, its candidates."""
    row = session.get(ElectionProfile, item.classification.profile_id)
    if row is None:
        return None, None
    try:
        return row, load_profile_text(row.source_yaml, source=f"profile {row.id}")
    except ProfileError:
        return row, None


def register_for(day: date, determination_date: date | None) -> str:
    """domain.md §2: acts before the determination date concern bakal calon (ethics), from it on calon (discipline)."""
    if determination_date is not None and day < determination_date:
        return "ethics"
    return "discipline"


def default_register(session: Session, item: ReviewItem) -> str:
    row, _ = item_profile(session, item)
    return register_for(act_day(item.activity), row.determination_date if row else None)


def history(session: Session, item: ReviewItem) -> list[Decision]:
    """Every decision on the item, oldest first."""
    return list(session.scalars(select(Decision).where(Decision.review_item_id == item.id).order_by(Decision.id)))


def latest_decision(session: Session, item: ReviewItem) -> Decision | None:
    return session.scalar(
        select(Decision).where(Decision.review_item_id == item.id).order_by(Decision.id.desc()).limit(1)
    )


def _clean(value: str | None, field: str, max_length: int) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) > max_length:
        raise DecisionError(field, f"terlalu panjang (maksimal {max_length} karakter)")
    return value or None


def decide(session: Session, item: ReviewItem, reviewer: User, data: DecisionInput) -> Decision:
    """Validate and append a decision; raises DecisionError (bad input) or DecisionForbidden."""
    if not may_decide(session, reviewer, item):
        raise DecisionForbidden(f"{reviewer.username} may not decide item {item.id}")
    if data.verdict not in VERDICTS:
        raise DecisionError("verdict", "pilih salah satu putusan")
    note = _clean(data.note, "note", MAX_NOTE_LENGTH)
    if note is None:
        raise DecisionError("note", "catatan wajib diisi")
    latest = latest_decision(session, item)
    if data.expected_latest_id is not None or latest is not None:
        if (latest.id if latest else None) != data.expected_latest_id:
            raise DecisionError("expected_latest_id", "item ini sudah diputus orang lain; muat ulang halaman")

    decision = Decision(review_item_id=item.id, verdict=data.verdict, note=note, reviewer_id=reviewer.id,
                        supersedes_id=latest.id if latest else None)
    if data.verdict == "pelanggaran":
        _fill_breach(session, item, data, decision, note)
    elif data.verdict == "bukan_pelanggaran":
        if data.reason not in NOT_BREACH_REASONS:
            raise DecisionError("reason", "pilih alasan dari daftar")
        decision.reason = data.reason

    session.add(decision)
    item.status = STATUS_AFTER[data.verdict]
    session.flush()
    return decision


def _fill_breach(session: Session, item: ReviewItem, data: DecisionInput, decision: Decision, note: str) -> None:
    code = data.violation_code
    if code not in VIOLATIONS:
        raise DecisionError("violation_code", "pelanggaran wajib menyebut jenis pelanggaran dari daftar")
    clauses = default_clauses(code) if data.clauses is None else tuple(data.clauses)
    unknown = [c for c in clauses if c not in CLAUSES]
    if unknown:
        raise DecisionError("clauses", f"butir ikrar tidak dikenal: {', '.join(unknown)}")
    if not clauses:
        raise DecisionError("clauses", "pilih sedikitnya satu butir ikrar")
    default = default_register(session, item)
    register = data.register or default
    if register not in REGISTERS:
        raise DecisionError("register", "ranah tidak dikenal")
    candidate = _clean(data.candidate, "candidate", 64)
    party = _clean(data.party, "party", 128)
    _, profile = item_profile(session, item)
    if candidate is not None and profile is not None and profile.candidate(candidate) is None:
        raise DecisionError("candidate", f"calon {candidate!r} tidak ada dalam profil {profile.id}")
    if code in CODES_NEEDING_TARGET and candidate is None and party is None:
        raise DecisionError("candidate", "sebutkan calon atau partai yang diuntungkan/dirugikan")
    # The register is derived from dates; a reviewer who departs from it says why in the note (domain.md §2).
    if register != default and len(note) < 10:
        raise DecisionError("note", "jelaskan di catatan mengapa ranah diubah dari bawaan")
    decision.violation_code = code
    decision.clause = format_clauses(clauses)
    decision.register = register
    decision.candidate = candidate
    decision.party = party

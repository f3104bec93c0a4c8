"""Reviewers' decisions: validation, defaults (clause, register), four eyes and the append-only history.

A decision never changes; a later one supersedes it (``supersedes_id``) and the
review item's status follows the latest (domain.md §6).

Four eyes (``Settings.four_eyes``, or per agency ``four_eyes_agencies``): a ``pelanggaran`` or
``eskalasi`` verdict is recorded as ``awaiting`` and the item stays pending, released to the pool;
a different user's next decision either agrees (same verdict, and for a breach the same violation
code: ``confirmed``) or not (``disputed``: the item is escalated). A disputed item is decided by a
supervisor or admin (``resolved``). Only decisions that are not ``awaiting`` or ``disputed`` count
(:func:`counts`, :func:`counted_filter`): reports, exports and dossiers see the last one that does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from models.profile import ElectionProfile as LoadedProfile
from models.profile import ProfileError, load_profile_text
from monitor.access.scoping import may_decide
from monitor.config import Settings, get_settings
from monitor.db.schema import REGISTERS, VERDICTS, Agency, Decision, ElectionProfile, ReviewItem, User
from monitor.db.vocabulary import (
    CLAUSES,
    NOT_BREACH_REASONS,
    VIOLATIONS,
    default_clauses,
    format_clauses,
)
from monitor.i18n import _
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


# Verdicts that need a second reviewer where four eyes applies (issue 17).
FOUR_EYES_VERDICTS = frozenset({"pelanggaran", "eskalasi"})
UNCOUNTED_STAGES = ("awaiting", "disputed")
# Who settles a disagreement between the two reviewers.
RESOLVER_ROLES = frozenset({"supervisor", "admin"})


class DecisionError(ValueError):
    """A decision was refused; ``field`` names the form field, the message says why (the catalogue's, Indonesian)."""

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
    row, _loaded = item_profile(session, item)
    return register_for(act_day(item.activity), row.determination_date if row else None)


def history(session: Session, item: ReviewItem) -> list[Decision]:
    """Every decision on the item, oldest first."""
    return list(session.scalars(select(Decision).where(Decision.review_item_id == item.id).order_by(Decision.id)))


def latest_decision(session: Session, item: ReviewItem) -> Decision | None:
    return session.scalar(
        select(Decision).where(Decision.review_item_id == item.id).order_by(Decision.id.desc()).limit(1)
    )


def counts(decision: Decision | None) -> bool:
    """Whether a decision counts: it needs no second look, or got it (confirmed, or resolved by a supervisor)."""
    return decision is not None and decision.four_eyes not in UNCOUNTED_STAGES


def counted_filter() -> ColumnElement[bool]:
    """SQL for :func:`counts`: what reports and exports use to find an item's latest decision that counts."""
    return or_(Decision.four_eyes.is_(None), Decision.four_eyes.not_in(UNCOUNTED_STAGES))


def four_eyes_applies(session: Session, item: ReviewItem, settings: Settings | None = None) -> bool:
    settings = settings or get_settings()
    if settings.four_eyes:
        return True
    if not settings.four_eyes_agencies:
        return False
    return session.scalar(select(Agency.code).where(Agency.id == item.agency_id)) in settings.four_eyes_agencies


def four_eyes_block(user: User, latest: Decision | None) -> str | None:
    """Why ``user`` may not decide now because of four eyes (the catalogue's words), or ``None``."""
    if latest is None:
        return None
    if latest.four_eyes == "awaiting" and latest.reviewer_id == user.id:
        return _("Your verdict awaits a second reviewer's confirmation; another reviewer must confirm it.")
    if latest.four_eyes == "disputed" and user.role not in RESOLVER_ROLES:
        return _("The two reviewers disagree; a supervisor decides this item.")
    return None


def _agrees(first: Decision, data: DecisionInput) -> bool:
    if data.verdict != first.verdict:
        return False
    return data.verdict != "pelanggaran" or data.violation_code == first.violation_code


def _clean(value: str | None, field: str, max_length: int) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) > max_length:
        raise DecisionError(field, _("too long (at most {n} characters)", n=max_length))
    return value or None


def decide(session: Session, item: ReviewItem, reviewer: User, data: DecisionInput,
           settings: Settings | None = None) -> Decision:
    """Validate and append a decision; raises DecisionError (bad input) or DecisionForbidden."""
    if not may_decide(session, reviewer, item):
        raise DecisionForbidden(f"{reviewer.username} may not decide item {item.id}")
    if data.verdict not in VERDICTS:
        raise DecisionError("verdict", _("choose one of the verdicts"))
    note = _clean(data.note, "note", MAX_NOTE_LENGTH)
    if note is None:
        raise DecisionError("note", _("a note is required"))
    latest = latest_decision(session, item)
    if data.expected_latest_id is not None or latest is not None:
        if (latest.id if latest else None) != data.expected_latest_id:
            raise DecisionError("expected_latest_id", _("someone else has decided this item; reload the page"))

    blocked = four_eyes_block(reviewer, latest)
    if blocked is not None:
        raise DecisionError("verdict", blocked)

    decision = Decision(review_item_id=item.id, verdict=data.verdict, note=note, reviewer_id=reviewer.id,
                        supersedes_id=latest.id if latest else None)
    if data.verdict == "pelanggaran":
        _fill_breach(session, item, data, decision, note)
    elif data.verdict == "bukan_pelanggaran":
        if data.reason not in NOT_BREACH_REASONS:
            raise DecisionError("reason", _("choose a reason from the list"))
        decision.reason = data.reason

    decision.four_eyes = _four_eyes_stage(session, item, latest, data, settings)
    session.add(decision)
    item.status = STATUS_AFTER[data.verdict]
    if decision.four_eyes == "awaiting":
        # Still open: back to the pool for a second reviewer (take_next never hands it to the first one).
        item.status = "pending"
        item.assignee_id = None
        item.claimed_until = None
    elif decision.four_eyes == "disputed":
        item.status = "escalated"
    session.flush()
    return decision


def _four_eyes_stage(session: Session, item: ReviewItem, latest: Decision | None, data: DecisionInput,
                     settings: Settings | None) -> str | None:
    """Where the new decision stands; the rule follows the decision it answers, whatever the setting is now."""
    if latest is not None and latest.four_eyes == "disputed":
        return "resolved"
    if latest is not None and latest.four_eyes == "awaiting":
        return "confirmed" if _agrees(latest, data) else "disputed"
    if data.verdict in FOUR_EYES_VERDICTS and four_eyes_applies(session, item, settings):
        return "awaiting"
    return None


def _fill_breach(session: Session, item: ReviewItem, data: DecisionInput, decision: Decision, note: str) -> None:
    code = data.violation_code
    if code not in VIOLATIONS:
        raise DecisionError("violation_code", _("a breach must name a kind of violation from the list"))
    clauses = default_clauses(code) if data.clauses is None else tuple(data.clauses)
    unknown = [c for c in clauses if c not in CLAUSES]
    if unknown:
        raise DecisionError("clauses", _("unknown pledge clauses: {clauses}", clauses=", ".join(unknown)))
    if not clauses:
        raise DecisionError("clauses", _("choose at least one pledge clause"))
    default = default_register(session, item)
    register = data.register or default
    if register not in REGISTERS:
        raise DecisionError("register", _("unknown register"))
    candidate = _clean(data.candidate, "candidate", 64)
    party = _clean(data.party, "party", 128)
    _row, profile = item_profile(session, item)
    if candidate is not None and profile is not None and profile.candidate(candidate) is None:
        raise DecisionError("candidate", _("candidate “{candidate}” is not in profile {profile}", candidate=candidate,
                                             profile=profile.id))
    if code in CODES_NEEDING_TARGET and candidate is None and party is None:
        raise DecisionError("candidate", _("name the candidate or party favoured or harmed"))
    # The register is derived from dates; a reviewer who departs from it says why in the note (domain.md §2).
    if register != default and len(note) < 10:
        raise DecisionError("note", _("explain in the note why the register differs from the default"))
    decision.violation_code = code
    decision.clause = format_clauses(clauses)
    decision.register = register
    decision.candidate = candidate
    decision.party = party

"""Violation codes, pledge clauses and reasons a reviewer cites (domain.md §3, §5, §6).

The codes are stable identifiers stored with decisions; the labels are what
users read (Bahasa Indonesia), from the one message catalogue (``monitor.i18n``,
msgctxt = the vocabulary). Changing a code breaks stored decisions — add new
ones instead, with their label in the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitor.db.schema import (
    ACTIVITY_KINDS,
    FOUR_EYES_STAGES,
    REGISTERS,
    REVIEW_STATUSES,
    ROLES,
    STANCES,
    VERDICTS,
)
from monitor.i18n import labels


@dataclass(frozen=True)
class ViolationType:
    code: str
    label: str
    act_kinds: tuple[str, ...]


# domain.md §3 (SKB 5 instansi 2022, Lampiran II; SKB 11 K/L 2019 for hate speech and hoaxes): each code with
# the act kinds it covers; the label (the regulation's words) is the catalogue's (msgctxt "violation").
_VIOLATION_ACTS: dict[str, tuple[str, ...]] = {
    "social_campaign": ("post", "share", "photo"),
    "campaign_account_interaction": ("like", "comment", "share", "follow"),
    "partisan_photo": ("photo", "post"),
    "partisan_appeal": ("post", "comment", "share"),
    "campaign_attendance": ("photo", "post"),
    "campaign_props": ("photo", "post"),
    "party_membership": ("post", "photo"),
    "campaign_team_role": ("post",),
    "independent_support": ("post", "photo"),
    "official_favouritism": ("post", "share"),
    "self_candidacy": ("post", "photo"),
    "hate_speech": ("post", "comment", "share", "like"),
    "hoax": ("post", "share", "comment"),
    "money_politics": ("post", "comment"),
    "other": ("post", "share", "comment", "like", "photo", "follow"),
}
_VIOLATION_TEXT = labels("violation", _VIOLATION_ACTS)
VIOLATION_TYPES: tuple[ViolationType, ...] = tuple(
    ViolationType(code, _VIOLATION_TEXT[code], acts) for code, acts in _VIOLATION_ACTS.items()
)
VIOLATIONS: dict[str, ViolationType] = {v.code: v for v in VIOLATION_TYPES}

# domain.md §5: the four clauses of the ikrar netralitas ASN.
CLAUSES: dict[str, str] = labels("clause", ("ikrar-1", "ikrar-2", "ikrar-3", "ikrar-4"))

_PARTISANSHIP = (
    "social_campaign", "campaign_account_interaction", "partisan_photo", "partisan_appeal",
    "campaign_attendance", "campaign_props", "party_membership", "campaign_team_role",
    "independent_support", "self_candidacy",
)


def default_clauses(code: str) -> tuple[str, ...]:
    """domain.md §5 default mapping. Every act Netra sees is on social media, so partisanship also cites ikrar-3."""
    if code in _PARTISANSHIP:
        return ("ikrar-2", "ikrar-3")
    if code in ("hate_speech", "hoax"):
        return ("ikrar-3",)
    if code == "money_politics":
        return ("ikrar-4",)
    if code == "official_favouritism":
        return ("ikrar-1",)
    if code == "other":
        return ()
    raise KeyError(code)


def format_clauses(clauses: tuple[str, ...] | list[str]) -> str:
    """Stored form of the cited clauses: ``ikrar-2,ikrar-3`` (fits Decision.clause)."""
    return ",".join(sorted(set(clauses)))


def parse_clauses(stored: str | None) -> tuple[str, ...]:
    return tuple(c for c in (stored or "").split(",") if c)


VERDICT_LABELS: dict[str, str] = labels("verdict", VERDICTS)
REGISTER_LABELS: dict[str, str] = labels("register", REGISTERS)
# Reasons a flag is not a breach: the hard negatives of domain.md §3 plus the wrong-person case.
NOT_BREACH_REASONS: dict[str, str] = labels("not_breach_reason", (
    "official_duty", "neutral_information", "call_to_vote", "neutrality_campaign", "news_report", "policy_criticism",
    "gesture_no_context", "same_name", "wrong_person", "no_election_link", "other",
))
STATUS_LABELS: dict[str, str] = labels("review_status", REVIEW_STATUSES)
# Where a decision stands under four eyes (decision.four_eyes).
FOUR_EYES_LABELS: dict[str, str] = labels("four_eyes", FOUR_EYES_STAGES)
STANCE_LABELS: dict[str, str] = labels("stance", STANCES)
KIND_LABELS: dict[str, str] = labels("act_kind", ACTIVITY_KINDS)
ROLE_LABELS: dict[str, str] = labels("role", ROLES)

"""Scoring a photo act: the hand gesture is a cue, the election context decides how much it weighs.

domain.md §3: "A gesture alone is a cue, not a verdict: it weighs when it
matches a ballot number in an election context (candidate present, campaign
backdrop, caption, period) — a V-sign on a beach in another context is not."

The rule, with the weights below (``WEIGHTS``):

1. **Text** ``t`` — the text classifier's score for the caption and alt
   texts (``models.infer``), 0 when there is no text.
2. **Context** ``c`` — the strongest of: the photo is on or from a watched
   (candidate/campaign) account (0.9); a campaign hashtag of the profile in
   the caption (0.8); the text classifier named a candidate or party (0.5).
3. **Period** ``p`` — the act's date against the profile: inside the campaign
   1.0; after registration/determination and up to voting day but outside
   the campaign (pre-campaign, quiet period) 0.7; any other time 0.35 (the
   duty applies always, but a pose far from an election says less); no date 0.5.
4. **Gesture** ``g`` — the most telling listed gesture in the photo: its
   confidence × 1.0 when its number is a candidate's (or party's) ballot
   number in the profile, × 0.6 for a listed pose without a number (thumb up,
   finger heart, finger gun, call, metal), × 0.3 for a number no one in the
   profile carries. Fist and none weigh 0 (allowed poses).
5. The gesture counts only as far as the election context carries it:
   ``gesture_part = g × max(t, c) × p``.
6. ``score = 1 − (1 − t) × (1 − W_gesture × gesture_part) × (1 − W_context × c × p)``
   — a noisy-OR: each kind of evidence can raise the score, none can lower
   what another found; a gesture with no context adds next to nothing.

Candidate: the text's candidate when the text named one (a gesture of
another number is then noted as ``gesture_mismatch``), else the candidate
whose ballot number the gesture shows. Stance: the text's stance when it has
one; else ``support`` when the gesture matched a candidate and the score
reaches the threshold; else ``none``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from models.photos.gestures import GESTURE_NUMBERS, Hand, PhotoHands
from models.profile import ElectionProfile

WEIGHTS = {
    "gesture": 0.9,
    "context": 0.3,
    "gesture_number_match": 1.0,
    "gesture_listed_no_number": 0.6,
    "gesture_number_unmatched": 0.3,
    "context_watched_account": 0.9,
    "context_hashtag": 0.8,
    "context_text_target": 0.5,
    "period_campaign": 1.0,
    "period_election_season": 0.7,
    "period_other": 0.35,
    "period_unknown": 0.5,
}
DEFAULT_THRESHOLD = 0.5


class TextResult(Protocol):
    """What fusion reads from the text classifier's result (``models.infer.ClassifyResult``)."""

    score: float
    stance: str
    hate: bool
    candidate: str | None
    party: str | None
    cues: list[str]


@dataclass(frozen=True)
class PhotoContext:
    """Facts about the act around the photo."""

    caption: str = ""
    when: date | datetime | None = None
    watched_account: bool = False  # the photo is on or from a watched candidate/campaign account


@dataclass(frozen=True)
class PhotoScore:
    score: float
    flagged: bool
    stance: str
    hate: bool
    candidate: str | None
    party: str | None
    cues: list[str]
    hands: list[dict[str, Any]] = field(default_factory=list)
    parts: dict[str, float] = field(default_factory=dict)  # t, c, p, g, gesture_part: for review and tests

    def to_classify_result(self, item_id: str, model_version: str, profile_id: str) -> Any:
        """The same record the text classifier writes (``models.infer.ClassifyResult``)."""
        from models.infer import ClassifyResult  # torch comes with it: only when a result is stored

        return ClassifyResult(id=item_id, flagged=self.flagged, score=self.score, stance=self.stance, hate=self.hate,
                              candidate=self.candidate, party=self.party, cues=self.cues,
                              model_version=model_version, profile_id=profile_id)


def period_factor(profile: ElectionProfile, when: date | datetime | None) -> tuple[float, str]:
    if when is None:
        return WEIGHTS["period_unknown"], "period:unknown"
    day = when.date() if isinstance(when, datetime) else when
    if profile.in_campaign(day):
        return WEIGHTS["period_campaign"], "period:campaign"
    season_start = profile.registration_start or profile.determination_date
    if season_start is not None and profile.voting_day is not None and season_start <= day <= profile.voting_day:
        return WEIGHTS["period_election_season"], "period:election_season"
    return WEIGHTS["period_other"], "period:other"


def campaign_hashtags(profile: ElectionProfile, caption: str) -> list[tuple[str, str]]:
    """(hashtag, candidate id) for each of the profile's campaign hashtags in the caption (case-insensitive)."""
    words = {w.rstrip(".,!?;:)").lower() for w in caption.split() if w.startswith("#")}
    return [(tag, c.id) for c in profile.candidates for tag in c.hashtags if tag.lower() in words]


def gesture_strength(hand: Hand, profile: ElectionProfile) -> tuple[float, str | None, str | None]:
    """(g, candidate id, party name) for one hand."""
    if not hand.listed:
        return 0.0, None, None
    number = GESTURE_NUMBERS.get(hand.gesture)
    if number is None:
        return hand.confidence * WEIGHTS["gesture_listed_no_number"], None, None
    candidate = profile.candidate_by_number(number)
    if candidate is not None:
        return hand.confidence * WEIGHTS["gesture_number_match"], candidate.id, None
    party = next((p for p in profile.parties if p.number == number), None)
    if party is not None:
        return hand.confidence * WEIGHTS["gesture_number_match"], None, party.name
    return hand.confidence * WEIGHTS["gesture_number_unmatched"], None, None


def fuse_photo(
    photo: PhotoHands | None,
    text: TextResult | None,
    context: PhotoContext,
    profile: ElectionProfile,
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> PhotoScore:
    """Combine gesture, caption, date and context into one score (see the module docstring for the rule)."""
    hands: Sequence[Hand] = photo.hands if photo is not None else ()
    cues: list[str] = list(text.cues) if text is not None else []
    t = float(text.score) if text is not None else 0.0

    c, context_cues = 0.0, []
    if context.watched_account:
        c = max(c, WEIGHTS["context_watched_account"])
        context_cues.append("context:watched_account")
    tags = campaign_hashtags(profile, context.caption)
    if tags:
        c = max(c, WEIGHTS["context_hashtag"])
        context_cues.extend(f"context:hashtag:{tag}" for tag, _ in tags)
    if text is not None and (text.candidate or text.party):
        c = max(c, WEIGHTS["context_text_target"])

    p, period_cue = period_factor(profile, context.when)

    g, g_candidate, g_party, best = 0.0, None, None, None
    for hand in hands:
        strength, cand, party = gesture_strength(hand, profile)
        if strength > g:
            g, g_candidate, g_party, best = strength, cand, party, hand
    gesture_part = g * max(t, c) * p
    score = 1.0 - (1.0 - t) * (1.0 - WEIGHTS["gesture"] * gesture_part) * (1.0 - WEIGHTS["context"] * c * p)

    cues.extend(h.cue() for h in hands if h.listed)
    if best is not None and best.number is not None:
        target = g_candidate or g_party
        cues.append(f"gesture_number:{best.number}" + (f"->{target}" if target else ""))
    cues.extend(context_cues)
    cues.append(period_cue)

    candidate = text.candidate if text is not None else None
    party = text.party if text is not None else None
    if candidate is not None and g_candidate is not None and g_candidate != candidate:
        cues.append(f"gesture_mismatch:{g_candidate}")
    if candidate is None and party is None:
        tag_candidates = {cid for _, cid in tags}
        candidate = g_candidate or (next(iter(tag_candidates)) if len(tag_candidates) == 1 else None)
        party = g_party if candidate is None else None

    flagged_by_score = score >= threshold
    stance = text.stance if text is not None and text.stance != "none" else "none"
    if stance == "none" and flagged_by_score and (g_candidate or g_party or tags):
        stance = "support"
    hate = bool(text.hate) if text is not None else False
    return PhotoScore(
        score=round(score, 4),
        flagged=flagged_by_score or stance != "none" or hate,
        stance=stance,
        hate=hate,
        candidate=candidate if stance != "none" else None,
        party=party if stance != "none" else None,
        cues=list(dict.fromkeys(cues)),
        hands=[h.to_json() for h in hands],
        parts={"t": round(t, 4), "c": c, "p": p, "g": round(g, 4), "gesture_part": round(gesture_part, 4)},
    )

"""Whom a partisan act is about, when the target the model judged does not say it alone.

The model judges an act toward each target the matcher found; the best target names the candidate.
Three cases leave that answer short, and reviewers then see a flag without the candidate it concerns:

- **A party target in a list election.** "Bang Berkah, Golkar nomor 4": the party's name and number
  outnumber the caleg's name, so the party is the best target. A candidate cued in the same act whose
  party it is is the one the act is about (the label guide: "a candidate post that also names their
  party: set both").
- **No target at all.** The model flags implicit support ("final answer: nomor 3. Lock it in") that the
  matcher left without a cue: a bare number, a ☝️ or a trait is a *weak* form, which counts as a cue only
  with election words around it, because "udah 2 tahun ✌️" is a birthday. Once the model has judged the act
  partisan, the weak forms are no longer evidence of partisanship, only of whom it is about: the one
  candidate they point to (own words first, then the post acted on) is taken.
- **Still nobody.** "the former puskesmas doctor gets my vote": a trait written in words no profile lists.
  The act is compared with each candidate's descriptors, slogans and aliases by e5 (a retrieval model:
  the act is the ``query:``, the profile's phrases the ``passage:``); the most similar candidate is taken
  only when it leads the next by at least ``DESCRIPTOR_MARGIN`` in cosine. Otherwise the candidate stays
  unknown: a wrong name is worse for a reviewer than none.

The margin was set on the training split's flagged acts without a target (at 0.02, 24 of 79 resolved, all
right; at 0.01, 45 with 5 wrong); the held-out sets did not take part. The reviewer sees why: the weak cue
or the descriptor is added to the act's cues.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from models.matcher import Cue, ProfileMatcher, Target
from models.profile import Candidate, ElectionProfile

if TYPE_CHECKING:
    import numpy as np

    from models.features import ActView
    from models.hoax.encoder import E5Encoder

DESCRIPTOR_MARGIN = 0.02
RULE_CUE = "aturan"


def candidate_of_party(party: str, view: ActView, profile: ElectionProfile) -> str | None:
    """The candidate cued in the act whose party ``party`` is (the most cued one; None on a tie or none)."""
    counts: Counter[str] = Counter()
    for cue in view.cues:
        cand = profile.candidate(cue.candidate) if cue.candidate else None
        if cand is not None and party.lower() in {p.lower() for p in cand.parties}:
            counts[cand.id] += 1
    return _single(counts)


def weak_candidate(matcher: ProfileMatcher, text: str, context: str | None) -> tuple[str, Cue] | None:
    """The one candidate the act's weak forms point to, own words before the post acted on."""
    fields = [(text, context, "text")] + ([(context, text, "context")] if context else [])
    for source, other, field in fields:
        cues = [c for c in matcher.find(source, other, field=field, keep_weak=True) if c.candidate]
        winner = _single(Counter(c.candidate for c in cues if c.candidate))
        if winner is not None:
            return winner, next(c for c in cues if c.candidate == winner)
        if cues:
            return None  # a tie in the act's own words is not settled by the post it answers
    return None


def _single(counts: Counter[str]) -> str | None:
    ranked = counts.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


def card(candidate: Candidate) -> list[str]:
    """The phrases a candidate is described by in the profile."""
    return list(dict.fromkeys([*candidate.descriptors, *candidate.slogans, *candidate.aliases]))


class DescriptorReader:
    """e5 similarity between an act and each candidate's profile phrases; the encoder loads on first use."""

    def __init__(self, encoder: E5Encoder | None = None, margin: float = DESCRIPTOR_MARGIN) -> None:
        self._encoder = encoder
        self.margin = margin
        self._cards: dict[str, list[tuple[str, list[str], np.ndarray]]] = {}

    @property
    def encoder(self) -> E5Encoder:
        if self._encoder is None:
            from models.hoax.encoder import shared_encoder

            self._encoder = shared_encoder()  # the hoax matcher's, when the process has one
        return self._encoder

    def _profile_cards(self, profile: ElectionProfile) -> list[tuple[str, list[str], np.ndarray]]:
        key = f"{profile.id}:{hash(profile.model_dump_json())}"
        if key not in self._cards:
            cards = []
            for cand in profile.candidates:
                phrases = card(cand)
                if phrases:
                    cards.append((cand.id, phrases, self.encoder.encode(phrases, "passage: ")))
            self._cards[key] = cards
        return self._cards[key]

    def resolve(self, texts: Sequence[str], profile: ElectionProfile) -> list[tuple[str, str] | None]:
        """Per act text: (candidate id, the phrase it is most like) when one candidate leads by the margin."""
        cards = self._profile_cards(profile)
        if len(cards) < 2 or not texts:
            return [None] * len(texts)
        queries = self.encoder.encode(list(texts), "query: ")
        out: list[tuple[str, str] | None] = []
        for q in queries:
            best = []
            for cand_id, phrases, vectors in cards:
                sims = vectors @ q
                k = int(sims.argmax())
                best.append((float(sims[k]), cand_id, phrases[k]))
            best.sort(reverse=True)
            out.append((best[0][1], best[0][2]) if best[0][0] - best[1][0] >= self.margin else None)
        return out


def owner_of_target(target: Target | None, view: ActView, profile: ElectionProfile) -> tuple[str | None, str | None]:
    """Candidate and party of a partisan act from its best target: a candidate, plus a coalition party named
    alongside; a party, plus the candidate of that party cued in the act."""
    if target is None:
        return None, None
    if target.kind == "party":
        return candidate_of_party(target.id, view, profile), target.id
    cand = profile.candidate(target.id)
    coalition = {p.lower() for p in cand.parties} if cand else set()
    party = next((c.party for c in view.cues if c.party and c.party.lower() in coalition), None)
    return target.id, party

"""A trained match scorer: does an act carry this claim? (matcher version 6 on)

The rules' score (``match_score``) adds five readings of an act and its most similar false claim with
weights tuned on a grid; with few degrees of freedom it cannot tell a repetition that carries words
of its own from an act stating the facts around the claim. The scorer is a logistic regression over
those readings and a few more (how far the claim leads the act's other candidates, the overlap of
the act's own words alone, the act's length and kind, whether it is written in a regional
language), fitted on labelled pairs (``models.hoax.train``). It reads each of the act's
``candidates`` most similar false claims, so a partial repetition whose claim is not the nearest by
cosine can still be found, and keeps the most probable one.

It decides only whether the act is *about* the claim (repeats, asks about or debunks it). What the
act does with the claim stays with the cues (``HoaxMatcher.action``): a share of the debunk is never
turned into a hoax by a probability.

Stored as JSON (``models/hoax/scorer.json``): feature names, standardisation, weights, threshold, and
how it was chosen (data, counts, figures). The rules (``rules.json``) name the scorer file they use;
rules without one decide by the score alone, as versions 1-5 did.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from models.hoax.reading import REGIONAL_WORDS, overlap_text
from models.hoax.regional import to_indonesian
from models.hoax.wording import claim_clauses, matching_text
from models.text import clean_text, has_visible_text

if TYPE_CHECKING:
    from models.hoax.matcher import HoaxMatcher, MatchFeatures
    from models.hoax.reading import ActLike


SCORER_FILE = Path(__file__).with_name("scorer.json")
FEATURES = (
    "similarity",  # cosine of the act (best reading) and the claim
    # similarity minus that of the best other stored candidate (another wording of it not counted; the background's
    # nearest claim when no other stored claim is a candidate)
    "lead",
    "distinct",  # how far the claim stands out from the act's other candidates and the background
    "overlap",  # share of the claim's weighted words the act carries
    "own_overlap",  # the same, of the act's own words alone (a reply under another post)
    # the same, of the claim's words other than names: an act on the claim's people and places that does not say
    # what the claim says of them shares the names only
    "predicate_overlap",
    "novelty",  # share of the act's weighted words the claim lacks
    "numbers_agree",  # the act repeats a number of the claim
    "numbers_differ",  # both state numbers, none shared
    "true_gap",  # similarity minus that of the most similar claim rated true (clipped to ±0.1)
    "first",  # the claim is the act's most similar false claim
    "own_words",  # log(1 + words of the act's own text)
    "context_words",  # log(1 + words of the post it acts on)
    "like", "share", "comment", "photo",  # the act's kind (a post is none of these)
    "regional",  # written in a regional language (its Indonesian reading was searched too)
    # v11: the share of the claim's best-carried clause's weighted words the act carries, of the whole act and of its
    # own words alone: a partial repetition carries one clause of the claim, a small share of its whole
    "clause_overlap",
    "own_clause_overlap",
)
TRUE_GAP_CLIP = 0.1


def _words(text: str | None) -> int:
    return len(clean_text(text or "").split())


_TOKEN = re.compile(r"\S+")
_SENTENCE_END = re.compile(r"[.!?:;]$")


def predicate_words(claim: str) -> str:
    """The claim's words that are not names: capitalised words and acronyms after a sentence's first are left out."""
    kept = []
    first = True
    for token in _TOKEN.findall(claim):
        word = token.strip("\"'“”‘’()[],")
        if word and (first or not (word[0].isupper() or word.isupper())):
            kept.append(word)
        # "KH." or "Pdt." is a title, not a sentence's end
        first = bool(_SENTENCE_END.search(token)) and not (word[:1].isupper() and len(word) <= 4)
    return " ".join(kept)


def feature_vector(matcher: HoaxMatcher, act: ActLike, found: MatchFeatures, lead: float, first: bool) -> np.ndarray:
    """The scorer's reading of one act and one of its candidate claims (``found.best``), in FEATURES order."""
    claim = matching_text(found.best.claim.claim)
    own = clean_text(act.text or "").strip()
    words = overlap_text(act)
    clauses = claim_clauses(found.best.claim.claim)
    clause_overlap = max(matcher.words.overlap(clause, words) for clause in clauses)
    if own and act.context and has_visible_text(own):
        indonesian, replaced = to_indonesian(own)
        own_words = f"{own}\n{indonesian}" if replaced >= REGIONAL_WORDS else own
        own_overlap = matcher.words.overlap(claim, own_words)
        own_clause_overlap = max(matcher.words.overlap(clause, own_words) for clause in clauses)
    else:
        own_overlap, own_clause_overlap = found.overlap, clause_overlap
    whole = "\n".join(part for part in (own, clean_text(act.context or "").strip()) if part)
    predicate = predicate_words(claim)
    predicate_overlap = matcher.words.overlap(predicate, words) if predicate else found.overlap
    true_gap = TRUE_GAP_CLIP if found.best_true <= -1.0 else found.best.similarity - found.best_true
    kind = act.kind
    return np.array([
        found.best.similarity, lead, found.distinct, found.overlap, own_overlap, predicate_overlap, found.novelty,
        float(found.numbers > 0), float(found.numbers < 0),
        max(-TRUE_GAP_CLIP, min(TRUE_GAP_CLIP, true_gap)), float(first),
        math.log1p(_words(act.text)), math.log1p(_words(act.context)),
        float(kind == "like"), float(kind == "share"), float(kind == "comment"), float(kind == "photo"),
        float(to_indonesian(whole)[1] >= REGIONAL_WORDS), clause_overlap, own_clause_overlap,
    ], dtype=np.float64)


def candidate_readings(matcher: HoaxMatcher, act: ActLike, indices: np.ndarray, sims: np.ndarray,
                       candidates: int) -> list[tuple[MatchFeatures, np.ndarray]]:
    """The act's ``candidates`` most similar false claims, each with the matcher's features and the scorer's vector."""
    size = len(matcher.claims)
    stored = [r for r in range(len(indices)) if int(indices[r]) < size]
    out = []
    for rank, row in enumerate(matcher.false_rows(indices)[:candidates]):
        found = matcher.features(act, indices, sims, row)
        if found is None:
            continue
        claim = int(indices[row])
        others = [float(sims[r]) for r in stored if r != row and not matcher.duplicate(claim, int(indices[r]))]
        if not others:
            # A store holding this one claim (or only its other wordings): against no other candidate every act
            # led by its whole similarity, and a first imported claim flagged every act (p ≈ 1). The background's
            # nearest claim stands in, as it does for `distinct`; a store with other claims reads as before.
            others = [float(sims[r]) for r in range(len(indices)) if int(indices[r]) >= size
                      and not matcher.background_duplicate(claim, int(indices[r]) - size)]
        lead = float(sims[row]) - (max(others) if others else 0.0)
        out.append((found, feature_vector(matcher, act, found, lead, rank == 0)))
    return out


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


@dataclass
class MatchScorer:
    """p(the act carries the claim) from FEATURES: a logistic regression, or (v12) a logistic output over one tanh
    hidden layer when ``hidden_weight`` is given. ``threshold``: the probability to match."""

    features: list[str]
    mean: list[float]
    scale: list[float]
    weight: list[float]
    bias: float
    threshold: float
    candidates: int = 3  # false claims read per act, most similar first
    # The claim must be more similar to the act than the most similar claim rated true by more than this (None: no
    # such rule): an act as close to the truth as to the hoax may be repeating the truth.
    true_margin: float | None = None
    l2: float = 0.0
    chosen_on: str = ""
    trained_on: dict[str, Any] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)
    # v12: a hidden layer (units × features, and units); ``weight`` then weighs its units. Empty: logistic regression.
    # A logistic regression adds its readings; the unit lets "one clause carried" count for more in a short reply
    # than in a long post of its own, where v11 flagged same-topic acts sharing a clause's words.
    hidden_weight: list[list[float]] = field(default_factory=list)
    hidden_bias: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        if list(self.features) != list(FEATURES):
            raise ValueError(f"scorer reads features {self.features}, this matcher computes {list(FEATURES)}: "
                             "refit it (netra hoax train)")
        self._mean = np.asarray(self.mean, dtype=np.float64)
        self._scale = np.asarray(self.scale, dtype=np.float64)
        self._weight = np.asarray(self.weight, dtype=np.float64)
        self._hidden = np.asarray(self.hidden_weight, dtype=np.float64).reshape(-1, len(FEATURES))
        self._hidden_bias = np.asarray(self.hidden_bias, dtype=np.float64)
        units = len(self._hidden) or len(FEATURES)
        if self._weight.shape != (units,) or self._hidden_bias.shape != (len(self._hidden),):
            raise ValueError(f"scorer weights do not fit together ({len(self._hidden)} hidden units, "
                             f"{len(self._weight)} output weights): refit it (netra hoax train)")

    def probability(self, x: np.ndarray) -> np.ndarray:
        """p for each row of ``x`` (or one vector)."""
        z = (np.asarray(x, dtype=np.float64) - self._mean) / self._scale
        if len(self._hidden):
            z = np.tanh(z @ self._hidden.T + self._hidden_bias)
        return _sigmoid(z @ self._weight + self.bias)

    def clears_truth(self, found: MatchFeatures) -> bool:
        return self.true_margin is None or found.best.similarity - found.best_true > self.true_margin

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if not k.startswith("_")}

    def save(self, path: Path = SCORER_FILE) -> None:
        path.write_text(json.dumps(self.to_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = SCORER_FILE) -> MatchScorer:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(**data)
        except (OSError, json.JSONDecodeError, TypeError) as exc:
            raise ValueError(f"{path}: not a hoax match scorer ({exc})") from None

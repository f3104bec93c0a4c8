"""Match acts against reviewed claims: candidates by similarity, then repeat vs debunk vs ask.

Each act is read by the encoder as one ``query:`` text (its own words, then the post it acts on) and,
when it has both, as its own words alone; the index gives the most similar claims (``passage:``),
each with the higher similarity of the two readings. The most similar claim rated false or misleading
is then scored: its cosine, plus how far it stands out from the act's other candidates (an act on the
same topic is about as close to several claims), plus the share of its distinctive words the act
repeats (names, places, details; IDF over the claims), plus whether the act repeats or contradicts its
numbers. It is a match when the score clears :attr:`HoaxRules.similarity` and no claim rated true is
about as close (a true claim that fits the act as well says the act may be repeating the truth:
"tinta pemilu bersertifikat halal" next to the hoax "tinta pemilu mengandung babi"). Then the cues
(``models.hoax.cues``) say what the act does with the claim: an act that calls it a hoax, cites the
fact-check, mocks it, or shares the debunk article is a debunk; one that asks is a question; the rest
repeat it, and only those are hoaxes. The values of :class:`HoaxRules` are chosen on the validation
split of the labelled pairs (``models/hoax/evaluate.py``) and shipped in ``models/hoax/rules.json``.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from models.hoax.action import ActionReader
from models.hoax.background import Background
from models.hoax.background import shipped as shipped_background
from models.hoax.cues import Cues, read_cues
from models.hoax.encoder import PASSAGE, QUERY
from models.hoax.index import ClaimIndex
from models.hoax.numbers import amounts
from models.hoax.reading import (  # noqa: F401 — re-exported: how an act is read
    REGIONAL_WORDS,
    ActLike,
    act_text,
    act_views,
    novelty_texts,
    overlap_text,
)
from models.hoax.scorer import MatchScorer, candidate_readings
from models.hoax.wording import CLAIM_FORM, matching_text, vector_version  # noqa: F401 — re-exported
from models.text import has_visible_text

log = logging.getLogger(__name__)

RULES_FILE = Path(__file__).with_name("rules.json")
MATCHER_VERSION = 12
CANDIDATES = 8  # claims looked at per act: the best false one and the best true one are among them


class Encoder(Protocol):
    version: str

    def encode(self, texts: Sequence[str], prefix: str) -> np.ndarray: ...


@dataclass(frozen=True)
class Claim:
    """A reviewed claim as matching needs it. ``false``: rated false or misleading (only those make hoaxes)."""

    claim: str
    rating: str
    url: str
    false: bool
    publisher: str | None = None
    id: str | int | None = None


@dataclass(frozen=True)
class ClaimMatch:
    claim: Claim
    similarity: float

    def to_json(self) -> dict[str, Any]:
        """The ``hoax_claims`` entry of docs/interfaces.md §2."""
        return {"claim": self.claim.claim, "rating": self.claim.rating, "url": self.claim.url,
                "similarity": round(float(self.similarity), 4)}


@dataclass(frozen=True)
class HoaxResult:
    """What an act does with the claims it resembles. ``hoax``: it repeats a claim rated false."""

    hoax: bool
    action: str  # "spreads" | "debunks" | "asks" | "none"
    claims: list[ClaimMatch] = field(default_factory=list)  # the claims it spreads (empty unless hoax)
    best: ClaimMatch | None = None  # the most similar false claim, whatever the act does with it
    score: float = 0.0  # 0-1: how sure the act repeats a false claim
    cues: list[str] = field(default_factory=list)


NO_MATCH = HoaxResult(hoax=False, action="none")
# Two claims rated false this close (cosine of their passages) are the same hoax in other words.
DUPLICATE = 0.95


@dataclass(frozen=True)
class MatchFeatures:
    """What the decision reads of one act and its candidate claims."""

    best: ClaimMatch  # the most similar claim rated false
    best_true: float  # similarity of the most similar claim rated true (-1: none among the candidates)
    distinct: float  # how far ``best`` stands out from the act's other candidates
    overlap: float  # share of ``best``'s distinctive words (IDF-weighted) that the act uses too
    # Share of the act's own weighted words that ``best`` lacks (0-1): an act that repeats a claim says little
    # else, one that states the facts around it names its own places, offices and details.
    novelty: float
    numbers: int  # +1: the act repeats a number of the claim; -1: it states numbers, none of the claim's; 0
    false_matches: list[ClaimMatch]  # every candidate rated false, best first
    own: Cues
    context: Cues


@dataclass
class HoaxRules:
    """The decision's values; ``models/hoax/rules.json`` holds those chosen on the validation split."""

    # The match score: cosine (query: act, passage: claim) + distinct_weight × how far the claim stands out
    # from the act's other candidates + overlap_weight × the claim's distinctive words the act shares.
    similarity: float = 0.86  # the score a false claim must reach
    distinct_weight: float = 0.0
    overlap_weight: float = 0.0
    novelty_weight: float = 0.0  # subtracted × MatchFeatures.novelty
    number_weight: float = 0.0  # × MatchFeatures.numbers: a date, hour or count is a claim's detail
    true_margin: float = 0.0  # the best false claim must beat the best true claim by more than this
    also_within: float = 0.02  # other false claims this close (cosine) to the best are cited too
    max_claims: int = 3
    # Which cues stop a repetition, where: own words (o) and the post acted on (c).
    own_debunk: bool = True
    own_question: bool = True
    own_ridicule: bool = True
    context_factcheck: bool = True
    context_debunk: bool = False
    cites_debunk: bool = True
    negation_wins: bool = True  # "bukan hoaks" / "ini fakta" in the own words: a repetition after all
    mock_wins: bool = False  # own words mocking the debunk (Cues.mocks_debunk) repeat the claim, whatever they quote
    bare_takes_context: bool = False  # an act without words of its own is read as the post it acts on (v6)
    mock_first: bool = False  # sarcasm at the debunk wins over the debunk's own words it quotes (v6)
    echo_ridicule: bool = False  # a short question echoing the claim, then ridicule: a debunk (v6)
    # A trained match scorer (``models.hoax.scorer``, its file named relative to rules.json) decides whether the act
    # carries a claim instead of the score and threshold above; None: the score decides (versions 1-5).
    scorer: str | None = None
    # A trained action reader (``models.hoax.action``, its file named relative to rules.json) has the last word on
    # whether an act about a claim spreads it, reading the cues, the rules' action, the act's words and vectors;
    # None: the cue rules alone decide (versions 1-8).
    action_reader: str | None = None
    # The matcher these values were chosen for: 1 the first, 2 with the regional reading and why-questions,
    # 3 with the background claims (stand-out margin and word weights) and regional affixes, 4 with the act's
    # novelty against the claim and the wider regional glossary, 5 with words matched through nasal prefixes and
    # the informal -in (``word_stems``), which changes what overlap and novelty measure.
    # 6 with the trained match scorer (``scorer``) reading the act's nearest false claims.
    # 7: the scorer chosen on validation and each training writer left out in turn, tag questions as rhetoric.
    # 8: the scorer also fitted and chosen on everyday acts that concern no claim (models.hoax.train.traffic_pairs).
    # 9: the action reader (``action_reader``) fitted on nine writers' pairs; the scorer refitted on eight writers.
    # 10: the action reader reads the act's own words apart when the post it acts on is a debunk; the reader and the
    # scorer are fitted with the fourth test set's two writers too.
    # 11: numbers read as amounts (digits or words, ``models.hoax.numbers``), the scorer reads how much of the claim's
    # best-carried clause the act carries; reader and scorer fitted on the fifth and sixth test sets and two writers of
    # partial repetitions too.
    version: int = MATCHER_VERSION
    chosen_on: str = "defaults"
    figures: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path = RULES_FILE) -> HoaxRules:
        if not path.is_file():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def save(self, path: Path = RULES_FILE) -> None:
        path.write_text(json.dumps(asdict(self), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def claim_text(claim: Claim) -> str:
    """The text a claim is encoded from (``passage:``)."""
    return matching_text(claim.claim)




class HoaxMatcher:
    """Claims, their vectors and the rules: ``match(acts)`` gives one :class:`HoaxResult` per act."""

    def __init__(self, encoder: Encoder, claims: Sequence[Claim], vectors: np.ndarray,
                 rules: HoaxRules | None = None, background: Background | None = None) -> None:
        """``background``: the claims the stand-out margin is also measured against (default: the shipped
        ones, ``models/hoax/background``; ``background.NONE`` for none)."""
        if len(claims) != len(vectors):
            raise ValueError(f"{len(claims)} claims but {len(vectors)} vectors")
        self.encoder = encoder
        self.claims = list(claims)
        self.background = shipped_background() if background is None else background
        # Word weights count the background too: over a handful of stored claims every word of a claim is
        # "distinctive", "KPU" and "pemilu" as much as a candidate's name.
        self.words = WordWeights([matching_text(c.claim) for c in self.claims] + self.background.texts)
        self.index = ClaimIndex(vectors if len(claims) else np.zeros((0, 1), dtype=np.float32))
        self.false = np.array([c.false for c in self.claims], dtype=bool)
        self.rules = rules or HoaxRules.load()
        self._background_index: ClaimIndex | None = None
        self._scorers: dict[str, MatchScorer] = {}
        self._readers: dict[str, ActionReader] = {}
        self._reader_refused: set[str] = set()

    @classmethod
    def from_claims(cls, encoder: Encoder, claims: Sequence[Claim], rules: HoaxRules | None = None,
                    background: Background | None = None) -> HoaxMatcher:
        """Encode the claims now (no cache): ``netra classify --claims FILE``, tests, evaluation."""
        return cls(encoder, claims, encoder.encode([claim_text(c) for c in claims], PASSAGE), rules, background)

    @property
    def background_index(self) -> ClaimIndex:
        """The background's vectors as this matcher's encoder makes them (loaded or encoded on first use)."""
        if self._background_index is None:
            vectors = self.background.vectors(self.encoder)
            self._background_index = ClaimIndex(vectors if len(vectors) else
                                                np.zeros((0, self.index.matrix.shape[1]), dtype=np.float32))
        return self._background_index

    def __len__(self) -> int:
        return len(self.claims)

    def candidates(self, acts: Sequence[ActLike]) -> tuple[list[int], np.ndarray, np.ndarray]:
        """Acts with text to read, and their best claims (indices, similarities) from the index.

        Each act's row holds its store candidates, best first, then its nearest background claims (indices
        from ``len(self)`` on; none when the matcher has no background), best first.

        An act is read as its own words followed by the post it acts on, and, when it has both, as its own
        words alone too: a comment restating the claim under an unrelated post, or in another language than
        the post, is closer to the claim on its own. Each claim keeps its higher similarity of the two.
        """
        readable = [i for i, act in enumerate(acts) if has_visible_text(act_text(act))]
        if not readable or not self.claims:
            return readable, np.zeros((len(readable), 0), dtype=np.int64), np.zeros((len(readable), 0))
        views: list[str] = []
        owner: list[int] = []
        for row, i in enumerate(readable):
            for view in act_views(acts[i]):
                views.append(view)
                owner.append(row)
        queries = self.encoder.encode(views, QUERY)
        found_idx, found_sims = self.index.search(queries, CANDIDATES)
        claims_idx, claims_sims = best_per_act(found_idx, found_sims, owner, len(readable),
                                               min(CANDIDATES, len(self.claims)))
        background = self.background_index
        if not len(background):
            return readable, claims_idx, claims_sims
        # The background's nearest claims follow the store's, numbered after them: features() reads them only
        # for the stand-out margin.
        bg_idx, bg_sims = background.search(queries, CANDIDATES)
        bg_idx, bg_sims = best_per_act(bg_idx, bg_sims, owner, len(readable), min(CANDIDATES, len(background)))
        return (readable, np.concatenate([claims_idx, bg_idx + len(self.claims)], axis=1),
                np.concatenate([claims_sims, bg_sims], axis=1))

    def match(self, acts: Sequence[ActLike]) -> list[HoaxResult]:
        results = [NO_MATCH] * len(acts)
        readable, indices, sims = self.candidates(acts)
        for row, i in enumerate(readable):
            results[i] = self.decide(acts[i], indices[row], sims[row])
        return results

    def false_rows(self, indices: np.ndarray) -> list[int]:
        """The rows of an act's candidates that are stored claims rated false, most similar first."""
        size = len(self.claims)
        return [r for r in range(len(indices)) if int(indices[r]) < size and self.false[indices[r]]]

    def features(self, act: ActLike, indices: np.ndarray, sims: np.ndarray,
                 row: int | None = None) -> MatchFeatures | None:
        """What the decision reads for one act, from its candidate claims (best first); None: no false claim.

        ``row``: the candidate (a false claim's row) read as ``best``; default the most similar false claim.
        Candidates numbered from ``len(self)`` on are background claims (:meth:`candidates`): they count only
        in how far the best false claim stands out.
        """
        size = len(self.claims)
        stored = [r for r in range(len(indices)) if int(indices[r]) < size]
        false_rows = [r for r in stored if self.false[indices[r]]]
        if not false_rows:
            return None
        chosen = false_rows[0] if row is None else row
        top = int(indices[chosen])
        best = ClaimMatch(self.claims[top], float(sims[chosen]))
        best_true = next((float(sims[r]) for r in stored if not self.false[indices[r]]), -1.0)
        # How far the best false claim stands out from the act's other candidates: an act on the same topic is
        # about as close to several claims. Other wordings of the same hoax (several fact-checkers debunk one
        # claim, or a background claim says it too) are not counted against it. The others are the nearest of
        # the store's other candidates and the background's, as many as a large store would give, so that an
        # act on a claim's topic has near neighbours however few claims are stored.
        store_others = [float(sims[r]) for r in stored if int(indices[r]) != top
                        and not (self.false[indices[r]] and self.duplicate(top, int(indices[r])))]
        background_others = [float(sims[r]) for r in range(len(indices)) if int(indices[r]) >= size
                              and not self.background_duplicate(top, int(indices[r]) - size)]
        others = sorted(store_others + background_others, reverse=True)[:CANDIDATES - 1]
        distinct = best.similarity - float(np.mean(others)) if others else best.similarity
        said = matching_text(best.claim.claim)
        return MatchFeatures(
            best=best, best_true=best_true, distinct=distinct,
            overlap=self.words.overlap(said, overlap_text(act)),
            novelty=min(self.words.novelty(said, text) for text in novelty_texts(act)),
            numbers=number_agreement(said, act_text(act)),
            false_matches=[ClaimMatch(self.claims[indices[r]], float(sims[r])) for r in false_rows],
            own=read_cues(act.text, best.claim.url, best.claim.publisher),
            context=read_cues(act.context, best.claim.url, best.claim.publisher),
        )

    def duplicate(self, a: int, b: int) -> bool:
        return float(self.index.matrix[a] @ self.index.matrix[b]) >= DUPLICATE

    def background_duplicate(self, claim: int, background: int) -> bool:
        """A background claim that says what a stored claim says is that claim again, not a neighbour."""
        return float(self.index.matrix[claim] @ self.background_index.matrix[background]) >= DUPLICATE

    def decide(self, act: ActLike, indices: np.ndarray, sims: np.ndarray,
               rules: HoaxRules | None = None) -> HoaxResult:
        """The decision for one act from its candidate claims (best first)."""
        rules = rules or self.rules
        if rules.scorer:
            return self.scored_verdict(act, indices, sims, rules, self.match_scorer(rules.scorer))
        found = self.features(act, indices, sims)
        return NO_MATCH if found is None else self.verdict(act, found, rules)

    def match_scorer(self, name: str) -> MatchScorer:
        """The match scorer the rules name (a file next to rules.json, or a path), loaded once."""
        if name not in self._scorers:
            path = Path(name) if Path(name).is_absolute() else RULES_FILE.parent / name
            self._scorers[name] = MatchScorer.load(path)
        return self._scorers[name]

    def scored_verdict(self, act: ActLike, indices: np.ndarray, sims: np.ndarray, rules: HoaxRules,
                       scorer: MatchScorer) -> HoaxResult:
        """The decision with a trained scorer: the most probable of the act's nearest false claims is the one it
        carries when its probability clears the scorer's threshold; then the cues say what the act does with it."""
        readings = candidate_readings(self, act, indices, sims, scorer.candidates)
        if not readings:
            return NO_MATCH
        probability = scorer.probability(np.stack([vector for _, vector in readings]))
        order = [int(i) for i in np.argsort(-probability, kind="stable")]
        found = readings[order[0]][0]
        if probability[order[0]] < scorer.threshold or not scorer.clears_truth(found):
            return HoaxResult(hoax=False, action="none", best=readings[0][0].best)
        action = self.act_action(act, found.own, found.context, rules)
        cues = [f"own:{n}" for n in found.own.names()] + [f"context:{n}" for n in found.context.names()]
        if action != "spreads":
            return HoaxResult(hoax=False, action=action, best=found.best, cues=cues)
        cited = [readings[i][0].best for i in order if probability[i] >= scorer.threshold]
        return HoaxResult(hoax=True, action=action, claims=cited[:rules.max_claims], best=found.best,
                          score=round(float(probability[order[0]]), 4), cues=cues)

    def action_reader(self, name: str) -> ActionReader:
        """The action reader the rules name (a file next to rules.json, or a path), loaded once."""
        if name not in self._readers:
            path = Path(name) if Path(name).is_absolute() else RULES_FILE.parent / name
            self._readers[name] = ActionReader.load(path)
        return self._readers[name]

    def act_action(self, act: ActLike, own: Cues, context: Cues, rules: HoaxRules) -> str:
        """What an act about a claim does with it: the cue rules' answer, and the action reader's word on whether it
        spreads it when the rules name one (a warning it reads as one asks or debunks as the cues say)."""
        action = self.action(own, context, rules)
        if not rules.action_reader:
            return action
        reader = self.action_reader(rules.action_reader)
        if reader.encoder != self.encoder.version:
            # Vectors of another encoder mean nothing to the reader's weights: the cues decide, as before v9.
            if rules.action_reader not in self._reader_refused:
                self._reader_refused.add(rules.action_reader)
                log.warning("hoax: the action reader %s was fitted on %s vectors, not %s: the cue rules decide",
                            rules.action_reader, reader.encoder or "unknown", self.encoder.version)
            return action
        spreads, _ = reader.spreads(act, own, context, action, self.encoder)
        return read_action(action, own, spreads)

    def verdict(self, act: ActLike, found: MatchFeatures, rules: HoaxRules) -> HoaxResult:
        best = found.best
        score = match_score(found, rules)
        if score < rules.similarity or best.similarity - found.best_true <= rules.true_margin:
            return HoaxResult(hoax=False, action="none", best=best)
        action = self.act_action(act, found.own, found.context, rules)
        cues = [f"own:{n}" for n in found.own.names()] + [f"context:{n}" for n in found.context.names()]
        if action != "spreads":
            return HoaxResult(hoax=False, action=action, best=best, cues=cues)
        cited = [m for m in found.false_matches if m.similarity >= best.similarity - rules.also_within]
        return HoaxResult(hoax=True, action=action, claims=cited[:rules.max_claims], best=best,
                          score=confidence(score, rules.similarity), cues=cues)

    @staticmethod
    def action(own: Cues, context: Cues, rules: HoaxRules) -> str:
        """Spreads, debunks or asks, from the cues of the act's own words and of the post it acts on."""
        if rules.bare_takes_context and not own.words and context.words:
            # A like or a share without words of its own does what the post does (LABEL_GUIDE: a like takes the
            # label of the liked post): a liked warning against a scam is a debunk, as the warning is.
            own, context = context, Cues()
        if rules.negation_wins and own.negated:
            return "spreads"
        if rules.mock_first and own.mocks_debunk and not own.cites_debunk:
            return "spreads"
        if rules.own_debunk and (own.debunk or own.factcheck):
            return "debunks"
        if rules.mock_wins and own.mocks_debunk and not own.cites_debunk:
            return "spreads"
        if rules.cites_debunk and (own.cites_debunk or context.cites_debunk):
            return "debunks"
        if rules.echo_ridicule and own.echo and own.ridicule and not own.spread:
            return "debunks"
        if rules.own_question and own.question:
            return "asks"
        if rules.own_ridicule and own.ridicule and not own.spread:
            return "debunks"
        if context.negated or own.spread:
            return "spreads"
        if rules.context_factcheck and context.factcheck:
            return "debunks"
        if rules.context_debunk and context.debunk:
            return "debunks"
        return "spreads"


def read_action(rules_action: str, own: Cues, spreads: bool) -> str:
    """The action once the reader has said whether the act spreads its claim: where it overrules the cues' "spreads",
    the act asks when its own words ask and say nothing of a hoax, else it debunks."""
    if spreads:
        return "spreads"
    if rules_action != "spreads":
        return rules_action
    return "asks" if own.question and not (own.debunk or own.factcheck) else "debunks"


def best_per_act(found_idx: np.ndarray, found_sims: np.ndarray, owner: Sequence[int], acts: int,
                 width: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``width`` best (index, similarity) of each act over its readings; each keeps its best reading's."""
    best: list[dict[int, float]] = [{} for _ in range(acts)]
    for view_row, row in enumerate(owner):
        seen = best[row]
        for claim, sim in zip(found_idx[view_row].tolist(), found_sims[view_row].tolist(), strict=True):
            if sim > seen.get(claim, -2.0):
                seen[claim] = sim
    indices = np.zeros((acts, width), dtype=np.int64)
    sims = np.zeros((acts, width), dtype=np.float32)
    for row, seen in enumerate(best):
        ranked = sorted(seen.items(), key=lambda kv: -kv[1])[:width]
        indices[row] = [c for c, _ in ranked]
        sims[row] = [v for _, v in ranked]
    return indices, sims


def match_score(found: MatchFeatures, rules: HoaxRules) -> float:
    return (found.best.similarity + rules.distinct_weight * found.distinct
            + rules.overlap_weight * found.overlap - rules.novelty_weight * found.novelty
            + rules.number_weight * found.numbers)


def number_agreement(claim: str, act: str) -> int:
    """+1 when the act repeats one of the claim's numbers; -1 when both state numbers and share none. Numbers are read
    as amounts (v11, ``models.hoax.numbers``): "lima belas ribu" repeats "Rp15.000"; v1-v10 compared digit runs."""
    said, stated = amounts(claim), amounts(act)
    if said & stated:
        return 1
    return -1 if said and stated else 0


def confidence(score: float, threshold: float, span: float = 0.1) -> float:
    """The act's hoax score: 0.5 at the threshold, 1 at ``span`` above it (about a near-verbatim repetition)."""
    if score < threshold:
        return 0.0
    return round(min(1.0, 0.5 + 0.5 * (score - threshold) / span), 4)


_WORD = re.compile(r"[^\W\d_]{3,}|\d+", re.UNICODE)
_SUFFIX = re.compile(r"(nya|kan|lah|kah|an)$")
_PREFIX = re.compile(r"^(meng|meny|mem|men|me|di|ber|ter|peng|pem|pen|pe|ke|se)")
# The nasal prefixes replace a root's first consonant ("menilang" ← tilang, "memilih" ← pilih, "menyebar" ← sebar,
# "mengirim" ← kirim), as do the informal bare nasals ("nyoblos" ← coblos, "ngurus" ← urus): before a vowel the
# root may have lost one of these letters, or none.
_NASAL = re.compile(r"^(meng|peng|meny|peny|mem|pem|men|pen|ny|ng)(?=[aiueo])")
_RESTORED = {"meng": ("k", ""), "peng": ("k", ""), "ng": ("k", ""), "meny": ("s",), "peny": ("s",),
             "ny": ("s", "c"), "mem": ("p", ""), "pem": ("p", ""), "men": ("t", ""), "pen": ("t", "")}
# The Jakarta suffix -in stands for -kan/-i ("dibolehin", "diizinin").
_INFORMAL_SUFFIX = re.compile(r"(?<=[^\W\d_]{4})in$")
_STEM = 6


def word_stems(word: str) -> tuple[str, ...]:
    """A word's possible stems, the plain reading first: affixes off, six letters kept ("dicoblos" → "coblos"), and
    after a nasal prefix the root's first letter restored ("menilang" → "ilang", "tilang")."""
    if word.isdigit():
        return (word[:_STEM],)
    word = _INFORMAL_SUFFIX.sub("", word) if len(word) > 5 else word
    word = _SUFFIX.sub("", word) if len(word) > 5 else word
    nasal = _NASAL.match(word) if len(word) > 5 else None
    plain = _PREFIX.sub("", word) if len(word) > 5 else word
    forms = [plain[:_STEM]]
    if nasal:
        root = word[nasal.end():]
        forms += [(first + root)[:_STEM] for first in _RESTORED[nasal.group(1)]]
    return tuple(dict.fromkeys(forms))


# A claim's words are read for every act it is a candidate of, and an act's for each of its candidates: both kept.
@lru_cache(maxsize=32768)
def words_of(text: str) -> tuple[tuple[str, ...], ...]:
    """The stems of each distinct word of ``text`` (``word_stems``)."""
    return tuple(dict.fromkeys(word_stems(word) for word in _WORD.findall(text.lower())))


@lru_cache(maxsize=32768)
def stems(text: str) -> frozenset[str]:
    """Every stem any word of ``text`` may have (``word_stems``)."""
    return frozenset(stem for forms in words_of(text) for stem in forms)


class WordWeights:
    """IDF of words over the claims (and the background's): a claim's own details (names, places, numbers) weigh,
    common words do not. A word counts as one, whichever of its possible stems (``word_stems``) another text shares."""

    def __init__(self, claims: Sequence[str]) -> None:
        counts: dict[str, int] = {}
        for claim in claims:
            for stem in stems(claim):
                counts[stem] = counts.get(stem, 0) + 1
        self.size = len(claims)
        self.counts = counts
        self._weights: dict[tuple[str, ...], float] = {}  # each word's weight, read once: the counts do not change

    def weight(self, stem: str) -> float:
        return math.log((self.size + 1) / (self.counts.get(stem, 0) + 1))

    def word_weight(self, forms: tuple[str, ...]) -> float:
        """The weight of a word: that of its first stem the claims know (its plain stem's when none is known)."""
        found = self._weights.get(forms)
        if found is None:
            found = self._weights[forms] = self.weight(next((f for f in forms if self.counts.get(f, 0) > 0), forms[0]))
        return found

    def known(self, forms: tuple[str, ...]) -> bool:
        return any(self.counts.get(f, 0) > 0 for f in forms)

    def overlap(self, claim: str, act: str) -> float:
        """Share of the claim's word weight that the act's words carry (0-1)."""
        words = words_of(claim)
        total = sum(self.word_weight(w) for w in words)
        if total <= 0:
            return 0.0
        said = stems(act)
        return sum(self.word_weight(w) for w in words if said.intersection(w)) / total

    def novelty(self, claim: str, act: str) -> float:
        """Share of the act's word weight that the claim lacks (0-1), over the words the claims and the background
        know: a word none of them has (a regional word the glossary lacks, a typo) says nothing of what is new."""
        words = [w for w in words_of(act) if self.known(w)]
        total = sum(self.word_weight(w) for w in words)
        if total <= 0:
            return 0.0
        said = stems(claim)
        return sum(self.word_weight(w) for w in words if not said.intersection(w)) / total

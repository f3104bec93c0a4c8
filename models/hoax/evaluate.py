"""Measure hoax matching on the labelled (act, claim) pairs, and choose its rules on their validation split.

The set (``models/data/hoax/``, README there) holds the claims (``claims.jsonl``) and pairs
(``pairs-*.jsonl``: ``id, claim_id, kind, text, context, platform, label, category, register,
split``), written independently of the matcher. Every pair is matched against *all* the claims, as
in service. A pair is a hoax when its label is ``spreads`` and its claim is rated false or
misleading; a hoax is found only when the act is flagged *and* its claim is among those cited.
So a flag citing the wrong claim counts as a false positive and a miss.

Tuning (:func:`tune`) sees the validation split and the development pairs (``models/data/hoax-dev/``, written
against the validation claims) only: it picks the similarity threshold, the margin
over true claims and the cue switches that give the highest recall at precision ≥ the target while
keeping shares of the debunk unflagged; the test split is measured once with the rules chosen.
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from models.hoax.encoder import PASSAGE
from models.hoax.matcher import Claim, HoaxMatcher, HoaxResult, HoaxRules, act_text, claim_text
from models.text import has_visible_text

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "hoax"
# Development pairs written against the validation claims after v3 (models/data/hoax-dev/README.md): the tuner
# reads them beside the validation split, so that 223 pairs of one writer are not all the rules are fitted to.
DEV_DIR = Path(__file__).resolve().parent.parent / "data" / "hoax-dev"
# Pairs written later, each folder by writers who saw none of the others (README in each): ``train`` fits the match
# scorer (models/hoax/train.py), ``test2`` is a second independent test set, with claims of its own.
TRAIN_DIR = Path(__file__).resolve().parent.parent / "data" / "hoax-train"
TEST2_DIR = Path(__file__).resolve().parent.parent / "data" / "hoax-test2"
# The third independent test set (v7 on): two more writers, claims of their own.
TEST3_DIR = Path(__file__).resolve().parent.parent / "data" / "hoax-test3"
# The fourth (v9 on): test2 and test3 were read for v6-v8, and v9's action reader learns from them.
TEST4_DIR = Path(__file__).resolve().parent.parent / "data" / "hoax-test4"
# The fifth, written after test4 had been read for v9 (README there).
TEST5_DIR = Path(__file__).resolve().parent.parent / "data" / "hoax-test5"
TEST6_DIR = Path(__file__).resolve().parent.parent / "data" / "hoax-test6"
# The seventh (v11 on), written after test5 and test6 had been read for v10 (README there).
TEST7_DIR = Path(__file__).resolve().parent.parent / "data" / "hoax-test7"
# The eighth, written after test7 had been read for v11, for the version after it (README there).
TEST8_DIR = Path(__file__).resolve().parent.parent / "data" / "hoax-test8"
# The ninth, written after test8 had been read for v11, for v12 (README there).
TEST9_DIR = Path(__file__).resolve().parent.parent / "data" / "hoax-test9"
SPLITS = ("validation", "test")
DEV = "dev"
TRAIN = "train"
TEST2 = "test2"
TEST3 = "test3"
TEST4 = "test4"
TEST5 = "test5"
TEST6 = "test6"
TEST7 = "test7"
TEST8 = "test8"
TEST9 = "test9"
# The splits held in folders of their own, one split each (its claims beside its pairs): a new set is one entry here.
FOLDERS = {TRAIN: TRAIN_DIR, TEST2: TEST2_DIR, TEST3: TEST3_DIR, TEST4: TEST4_DIR, TEST5: TEST5_DIR, TEST6: TEST6_DIR,
           TEST7: TEST7_DIR, TEST8: TEST8_DIR, TEST9: TEST9_DIR}
TUNING_SPLITS = ("validation", DEV)
LABELS = ("spreads", "debunks", "asks", "unrelated")
TARGET_PRECISION = 0.85
TARGET_RECALL = 0.85
DEBUNK_SHARE_TARGET = 0.95
# The tuner aims above the targets so that a test split drawn from the same writer has room to differ.
TUNE_PRECISION = 0.90
TUNE_DEBUNK_SHARE = 1.0


class HoaxDataError(ValueError):
    """The labelled set is missing or a record is malformed; the message names the file and line."""


@dataclass(frozen=True)
class LabelledPair:
    id: str
    claim_id: str | None
    kind: str
    text: str
    context: str | None
    platform: str | None
    label: str
    category: str
    register: str | None
    split: str


@dataclass(frozen=True)
class LabelledSet:
    claims: list[Claim]
    pairs: list[LabelledPair]

    def split(self, name: str) -> list[LabelledPair]:
        return [p for p in self.pairs if p.split == name]


def _jsonl(path: Path) -> Iterable[tuple[int, dict[str, Any]]]:
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise HoaxDataError(f"{path}:{lineno}: invalid JSON ({exc.msg})") from None
        if not isinstance(record, dict):
            raise HoaxDataError(f"{path}:{lineno}: expected a JSON object")
        yield lineno, record


def load_set(data_dir: Path, is_false: Callable[[str], bool], dev_dir: Path | None = None,
             splits: Sequence[str] = SPLITS) -> LabelledSet:
    """Claims and pairs of the labelled set; ``is_false(rating)`` says which ratings make a claim a hoax.

    ``dev_dir``: development pairs (``pairs-*.jsonl``, every one in split ``dev``) against the same claims.
    ``splits``: the splits the set's own pairs may be in (a folder of one split: ``(TRAIN,)``, ``(TEST2,)``)."""
    claims_file = data_dir / "claims.jsonl"
    if not claims_file.is_file():
        raise HoaxDataError(f"{claims_file}: not found (the labelled hoax set, models/data/hoax/README.md)")
    claims = []
    for lineno, c in _jsonl(claims_file):
        try:
            claims.append(Claim(claim=c["claim"], rating=c["rating"], url=c["url"], false=is_false(c["rating"]),
                                publisher=c.get("source"), id=c["id"]))
        except KeyError as exc:
            raise HoaxDataError(f"{claims_file}:{lineno}: missing key {exc}") from None
    known = {c.id for c in claims}
    pairs = []
    files = sorted(data_dir.glob("pairs-*.jsonl"))
    if not files:
        raise HoaxDataError(f"{data_dir}: no pairs-*.jsonl")
    dev_files = set(sorted(dev_dir.glob("pairs-*.jsonl"))) if dev_dir is not None and dev_dir.is_dir() else set()
    for path in files + sorted(dev_files):
        allowed = (DEV,) if path in dev_files else tuple(splits)
        for lineno, p in _jsonl(path):
            try:
                pair = LabelledPair(id=str(p["id"]), claim_id=p["claim_id"], kind=p["kind"], text=p["text"] or "",
                                    context=p.get("context"), platform=p.get("platform"), label=p["label"],
                                    category=p["category"], register=p.get("register"), split=p["split"])
            except KeyError as exc:
                raise HoaxDataError(f"{path}:{lineno}: missing key {exc}") from None
            if pair.label not in LABELS:
                raise HoaxDataError(f"{path}:{lineno}: label {pair.label!r} is not one of {', '.join(LABELS)}")
            if pair.split not in allowed:
                raise HoaxDataError(f"{path}:{lineno}: split {pair.split!r} is not one of {', '.join(allowed)}")
            if pair.claim_id is not None and pair.claim_id not in known:
                raise HoaxDataError(f"{path}:{lineno}: claim {pair.claim_id!r} is not in claims.jsonl")
            pairs.append(pair)
    return LabelledSet(claims, pairs)


@dataclass
class Scored:
    """The candidates of every pair, computed once; deciding with other rules is then cheap."""

    matcher: HoaxMatcher
    pairs: list[LabelledPair]
    indices: np.ndarray
    sims: np.ndarray

    def results(self, rules: HoaxRules) -> list[HoaxResult]:
        out = []
        for row, pair in enumerate(self.pairs):
            if len(self.indices[row]) == 0 or not has_visible_text(act_text(pair)):
                out.append(HoaxResult(hoax=False, action="none"))
                continue
            out.append(self.matcher.decide(pair, self.indices[row], self.sims[row], rules))
        return out


def load_split(split: str, is_false: Callable[[str], bool], data_dir: Path | None = None) -> LabelledSet:
    """The labelled set holding ``split``: validation and test (with the development pairs) in models/data/hoax,
    train and test2-test9 in their own folders. ``data_dir``: another folder, read alone with the splits it may
    hold."""
    if data_dir is not None:
        return load_set(data_dir, is_false, None, (*SPLITS, *FOLDERS))
    if split in FOLDERS:
        return load_set(FOLDERS[split], is_false, None, (split,))
    return load_set(DATA_DIR, is_false, DEV_DIR)


def score_pairs(encoder: Any, labelled: LabelledSet, pairs: Sequence[LabelledPair]) -> Scored:
    """Encode the claims and ``pairs`` and find each pair's candidate claims."""
    vectors = encoder.encode([claim_text(c) for c in labelled.claims], PASSAGE)
    matcher = HoaxMatcher(encoder, labelled.claims, vectors, HoaxRules())
    readable, found_idx, found_sims = matcher.candidates(pairs)
    width = found_idx.shape[1] if len(readable) else 0
    indices = np.zeros((len(pairs), width), dtype=np.int64)
    sims = np.full((len(pairs), width), -1.0, dtype=np.float32)
    indices[readable], sims[readable] = found_idx, found_sims
    return Scored(matcher, list(pairs), indices, sims)


def gold_hoax(pair: LabelledPair, claims: dict[Any, Claim]) -> bool:
    return pair.label == "spreads" and pair.claim_id is not None and claims[pair.claim_id].false


def judged(pair: LabelledPair, result: HoaxResult, claims: dict[Any, Claim]) -> tuple[bool, bool]:
    """Whether the pair is a hoax, and whether the matcher flagged it citing the pair's own claim."""
    return gold_hoax(pair, claims), result.hoax and any(m.claim.id == pair.claim_id for m in result.claims)


def figures(pairs: Sequence[LabelledPair], results: Sequence[HoaxResult], claims: Sequence[Claim]) -> dict[str, Any]:
    """Precision/recall of the hoax flag overall and per category, and how each category was handled."""
    by_id = {c.id: c for c in claims}
    overall = {"tp": 0, "fp": 0, "fn": 0}
    per: dict[str, dict[str, Any]] = defaultdict(lambda: {"n": 0, "hoax": 0, "flagged": 0, "tp": 0, "fp": 0,
                                                          "fn": 0, "correct": 0})
    for pair, result in zip(pairs, results, strict=True):
        gold, found = judged(pair, result, by_id)
        cell = per[pair.category]
        cell["n"] += 1
        cell["hoax"] += gold
        cell["flagged"] += result.hoax
        tp, fp, fn = gold and found, result.hoax and not (gold and found), gold and not found
        for counts in (overall, cell):
            counts["tp"] += tp
            counts["fp"] += fp
            counts["fn"] += fn
        cell["correct"] += found if gold else not result.hoax
    out: dict[str, Any] = {"pairs": len(pairs), **_prf(overall), "categories": {}}
    for category in sorted(per):
        cell = per[category]
        out["categories"][category] = {**cell, **_prf(cell), "accuracy": round(cell["correct"] / cell["n"], 4)}
    debunk = out["categories"].get("debunk_share")
    out["debunk_share_correct"] = debunk["accuracy"] if debunk else None
    return out


def wrong_decisions(pairs: Sequence[LabelledPair], results: Sequence[HoaxResult],
                    claims: Sequence[Claim]) -> list[dict[str, Any]]:
    """Each pair the matcher got wrong, as :func:`figures` counts it: a hoax not flagged with its own claim
    (``missed``), or a flag on a pair that is no hoax (``flagged``); with what the matcher decided, so that the misses
    of a measured set can be read from its saved report."""
    by_id = {c.id: c for c in claims}
    out = []
    for pair, result in zip(pairs, results, strict=True):
        gold, found = judged(pair, result, by_id)
        if gold == found and (gold or not result.hoax):
            continue
        out.append({"id": pair.id, "category": pair.category, "label": pair.label, "claim": pair.claim_id,
                    "error": "missed" if gold else "flagged", "action": result.action,
                    "cited": [m.claim.id for m in result.claims], "score": result.score,
                    "nearest": result.best.claim.id if result.best else None})
    return out


def _prf(counts: dict[str, Any]) -> dict[str, Any]:
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    return {"precision": round(tp / (tp + fp), 4) if tp + fp else None,
            "recall": round(tp / (tp + fn), 4) if tp + fn else None}


def meets(result: dict[str, Any], precision: float = TARGET_PRECISION, recall: float = TARGET_RECALL,
          debunk_share: float = DEBUNK_SHARE_TARGET) -> bool:
    return ((result["precision"] or 0.0) >= precision and (result["recall"] or 0.0) >= recall
            and (result["debunk_share_correct"] if result["debunk_share_correct"] is not None else 1.0)
            >= debunk_share)


SCORES = [round(float(x), 4) for x in np.arange(0.80, 1.3001, 0.0025)]
DISTINCT_WEIGHTS = [0.0, 0.5, 1.0, 1.5, 2.0, 3.0]
OVERLAP_WEIGHTS = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
NUMBER_WEIGHTS = [0.0, 0.01, 0.02, 0.03]
NOVELTY_WEIGHTS = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8]
MARGINS = [-0.01, 0.0, 0.005, 0.01, 0.02, 0.03]
SWITCHES = ("own_question", "own_ridicule", "context_factcheck", "context_debunk", "cites_debunk", "negation_wins",
            "mock_wins")


def tune(scored: Scored, claims: Sequence[Claim], base: HoaxRules | None = None) -> tuple[HoaxRules, dict[str, Any]]:
    """The rules with the highest recall at precision ≥ TUNE_PRECISION and every debunk share unflagged.

    Every combination of the cue switches, and on a grid the score's weights, its threshold and the margin
    over true claims; each pair's candidates and cues are read once and the grid is evaluated with numpy.
    Ties go to the higher F1, then to the higher threshold (fewer flags for reviewers). When no rules
    reach the precision, the most precise ones are taken, and the figures say so.
    """
    if any(p.split not in TUNING_SPLITS for p in scored.pairs):
        raise ValueError("rules are chosen on the validation split (and the development pairs) only")
    base = base or HoaxRules()
    by_id = {c.id: c for c in claims}
    n = len(scored.pairs)
    found = [scored.matcher.features(p, scored.indices[r], scored.sims[r])
             if len(scored.indices[r]) and has_visible_text(act_text(p)) else None
             for r, p in enumerate(scored.pairs)]
    gold = np.array([gold_hoax(p, by_id) for p in scored.pairs])
    debunk = np.array([p.category == "debunk_share" for p in scored.pairs])

    def column(value: Callable[[Any], float]) -> np.ndarray:
        return np.array([value(f) if f else -9.0 for f in found])

    sim, overlap, distinct = column(lambda f: f.best.similarity), column(lambda f: f.overlap), column(
        lambda f: f.distinct)
    margin = column(lambda f: f.best.similarity - f.best_true)
    numbers = column(lambda f: float(f.numbers))
    cited = np.zeros(n, dtype=bool)  # the pair's own claim is among those a flag would cite
    for r, (pair, f) in enumerate(zip(scored.pairs, found, strict=True)):
        near = [m.claim.id for m in (f.false_matches if f else []) if m.similarity >= f.best.similarity
                - base.also_within][:base.max_claims] if f else []
        cited[r] = pair.claim_id in near
    novelty = np.array([f.novelty if f else 0.0 for f in found])
    # Cue switches that decide every pair alike are one candidate: the first in product order stands for them.
    variants: dict[bytes, tuple[HoaxRules, np.ndarray]] = {}
    for flags in itertools.product((True, False), repeat=len(SWITCHES)):
        rules = replace(base, **dict(zip(SWITCHES, flags, strict=True)))
        spreads = np.array([f is not None and scored.matcher.action(f.own, f.context, rules) == "spreads"
                            for f in found])
        variants.setdefault(np.packbits(spreads).tobytes() + bytes([len(spreads) % 8]), (rules, spreads))
    best: tuple[tuple[float, ...], HoaxRules] | None = None
    for novelty_weight in NOVELTY_WEIGHTS:
        # axes: distinct weight, overlap weight, number weight, score threshold, margin, pair
        score = (sim + np.array(DISTINCT_WEIGHTS)[:, None, None, None] * distinct
                 + np.array(OVERLAP_WEIGHTS)[None, :, None, None] * overlap
                 + np.array(NUMBER_WEIGHTS)[None, None, :, None] * numbers
                 - novelty_weight * novelty)[:, :, :, None, None, :]
        matched = (score >= np.array(SCORES)[None, None, None, :, None, None]) & (
            margin > np.array(MARGINS)[None, None, None, None, :, None])
        for rules, spreads in variants.values():
            flag = matched & spreads
            tp = (flag & cited & gold).sum(-1)
            flagged = flag.sum(-1)
            precision = np.where(flagged > 0, tp / np.maximum(flagged, 1), 0.0)
            recall = tp / max(int(gold.sum()), 1)
            f1 = np.where(precision + recall > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-9),
                          0.0)
            debunk_ok = 1.0 - (flag & debunk).sum(-1) / max(int(debunk.sum()), 1)
            feasible = (precision >= TUNE_PRECISION) & (debunk_ok >= TUNE_DEBUNK_SHARE)
            keys = [np.where(feasible, recall, precision), f1, debunk_ok,
                    np.broadcast_to(np.array(SCORES)[None, None, None, :, None], f1.shape)]
            order = np.lexsort([k.ravel() for k in reversed([feasible.astype(float), *keys])])
            top = np.unravel_index(order[-1], f1.shape)
            key = (float(feasible[top]), *(float(k[top]) for k in keys))
            if best is None or key > best[0]:
                i, j, k, t, m = (int(x) for x in top)
                best = (key, replace(rules, distinct_weight=DISTINCT_WEIGHTS[i], overlap_weight=OVERLAP_WEIGHTS[j],
                                     number_weight=NUMBER_WEIGHTS[k], novelty_weight=novelty_weight,
                                     similarity=SCORES[t], true_margin=MARGINS[m]))
    assert best is not None
    rules = best[1]
    decided = scored.results(rules)
    result = figures(scored.pairs, decided, claims)
    names = sorted({p.split for p in scored.pairs})
    if len(names) > 1:
        result["splits"] = {name: figures([p for p in scored.pairs if p.split == name],
                                          [d for p, d in zip(scored.pairs, decided, strict=True) if p.split == name],
                                          claims) for name in names}
    chosen_on = "validation" if names == ["validation"] else "validation+dev"
    return replace(rules, chosen_on=chosen_on, figures=result), result


def format_figures(name: str, result: dict[str, Any]) -> str:
    def pct(value: float | None) -> str:
        return "  —  " if value is None else f"{value:.3f}"

    lines = [f"{name}: {result['pairs']} pairs · hoax precision {pct(result['precision'])} "
             f"recall {pct(result['recall'])} · debunk shares left unflagged {pct(result['debunk_share_correct'])}",
             f"{'category':<24} {'pairs':>5} {'hoax':>5} {'flagged':>7} {'precision':>9} {'recall':>7} "
             f"{'correct':>7}"]
    for category, c in result["categories"].items():
        lines.append(f"{category:<24} {c['n']:>5} {c['hoax']:>5} {c['flagged']:>7} {pct(c['precision']):>9} "
                     f"{pct(c['recall']):>7} {c['accuracy']:>7.3f}")
    return "\n".join(lines)

"""Fit the hoax match scorer (``models.hoax.scorer``) and choose it on the validation split.

Training pairs: ``models/data/hoax-train`` (written for this by separately briefed writers, against claims of their
own: four, since v11 six), since v9 the second and third test sets (read for v6-v8), since v10 the fourth (read for
v9), since v11 the fifth and sixth (read for v10), since v12 the seventh and eighth (read for v11), and the
development pairs (``models/data/hoax-dev``). Each pair
gives one row per candidate claim the scorer reads (the act's ``candidates`` most similar false claims): 1 when the
act is about that claim — repeats, asks about or debunks it, the pair's own claim or another wording of it — else 0.
An act repeating a true claim, or stating the facts around a false one, gives only 0s.

Choice: for each L2 strength, number of candidates read and margin over true claims, the threshold whose weaker of
hoax precision and recall is highest with 97 % (v7-v8: 98 %) of the debunk shares and (v11) 99.5 % of the everyday
acts left unflagged, over the validation split of ``models/data/hoax`` and each training writer's pairs decided by a
scorer fitted without that writer (v7; v6 chose the highest recall at precision ≥ 0.90 on validation alone). The first
set's test split and the ninth test set are never read here.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from models.hoax.evaluate import (
    LabelledPair,
    Scored,
    figures,
    gold_hoax,
)
from models.hoax.matcher import Claim, ClaimMatch, HoaxMatcher, HoaxResult, HoaxRules, act_text
from models.hoax.scorer import FEATURES, MatchScorer, candidate_readings
from models.logistic import balanced_weights, fit_logistic, fit_tanh_layer, standardiser
from models.text import has_visible_text

L2_GRID = (1e-3, 1e-2, 3e-2, 1e-1, 3e-1)
# v12: the scorer may also be a logistic output over one tanh layer of HIDDEN units (models.logistic.fit_tanh_layer),
# with its own L2 grid (its penalty is on both weight matrices). Out of writer on twenty writers (everyday acts
# weighted as the other rows) it flagged 95 same-topic acts of 699 where a logistic regression flagged 148, at
# P 0.922 / R 0.768 against 0.898 / 0.760 (docs/hoax.md, v12); 4 and 16 units did the same as 8.
HIDDEN_GRID = (8,)
HIDDEN_L2_GRID = (1e-4, 1e-3, 1e-2)
CANDIDATE_GRID = (1, 3)
# No "None" (no check against true claims) since v10: true claims are stored so that an act repeating the truth next to
# a hoax is not taken for it (docs/hoax.md). Chosen out of writer, v10's scorer turned the check off, and the demo's
# KPU announcement of the real polling date — nearest its Benar claim — was flagged as the postponement hoax.
TRUE_MARGINS = (0.0, 0.005, 0.01, 0.02)
# The cue rules added with the scorer (HoaxRules): each raised the share of acts whose action the cues get right, on
# the training pairs (380 → 407 of 423), the development pairs (57 → 58 of 60) and validation (161 → 164 of 173),
# counted over the pairs whose claim is among their candidates (docs/hoax.md, v6).
V6_CUES = {"bare_takes_context": True, "mock_first": True, "echo_ridicule": True}
# Over validation and the out-of-writer pairs, "every one unflagged" leaves only thresholds that flag almost nothing:
# the choice asks for a share left alone above the target's 95 % with room. v7-v8 asked 98 % of ~160 debunk shares; on
# eight writers (v9, 266 shares, the action reader's out-of-writer decisions) 98 % is reached only at the top of the
# threshold grid, flagging under half the hoaxes (out-of-writer recall 0.47), so v9 asks 97 %.
CHOICE_DEBUNK_SHARE = 0.97
# v11: and 99.5 % of the everyday acts unflagged. Fitted on sixteen writers (two of them writing partial repetitions),
# the choice without it took a scorer that flagged 62 of the 800 everyday acts out of fold (7.8 %; v10's flagged none):
# in service most acts concern no claim, and each such flag is a civil servant wrongly put before a reviewer. Asked
# 99 %, it flagged 8 out of fold and 12 of each 600 held-out everyday acts (v10: 4 and 3), so v11 asks 99.5 %.
CHOICE_EVERYDAY_SHARE = 0.995
THRESHOLDS = [round(float(t), 3) for t in np.arange(0.05, 0.951, 0.01)]
# Everyday traffic: in service most acts concern no claim at all, while every labelled pair is written around one.
# Acts of the classifier's training split (campaign posts, service requests, office news — written for stance, not
# about these claims) join the training pairs as unrelated, spread over the writers' folds so that the choice sees
# them out of fold too. Without them the scorer put p ≈ 0.46 on a partisan post sharing no word with the claim.
TRAFFIC_DIR = Path(__file__).resolve().parent.parent / "data" / "train"
TRAFFIC_ACTS = 800
TRAFFIC_SEED = 20261206
TRAFFIC = "traffic"
# v12: each everyday act's rows weigh this many times a labelled pair's in the fit. At weight 1 the 800 acts are a
# twentieth of the rows, and the scorer put p > 0.8 on some ("tim voli kantor dapat juara 3"), so that the choice's
# 99.5 % of them unflagged held the threshold high and recall with it. Out of writer (twenty writers, one tanh layer
# of 8), weights 1 / 4 / 12 / 30 gave P 0.922 / 0.904 / 0.895 / 0.890 and R 0.768 / 0.786 / 0.795 / 0.795.
EVERYDAY_WEIGHT = 12.0


@dataclass
class Readings:
    """Every pair's candidate readings (features and vectors), computed once."""

    scored: Scored
    claims: list[Claim]
    readings: list[list[tuple[Any, np.ndarray]]]  # per pair: (MatchFeatures, vector) of its false candidates
    about: list[list[bool]]  # per pair and reading: the act is about that claim

    @classmethod
    def read(cls, scored: Scored, claims: Sequence[Claim], candidates: int) -> Readings:
        matcher = scored.matcher
        position = {c.id: i for i, c in enumerate(claims)}
        readings, about = [], []
        for row, pair in enumerate(scored.pairs):
            if len(scored.indices[row]) == 0 or not has_visible_text(act_text(pair)):
                readings.append([])
                about.append([])
                continue
            found = candidate_readings(matcher, pair, scored.indices[row], scored.sims[row], candidates)
            readings.append(found)
            about.append([_about(matcher, pair, position, f.best.claim) for f, _ in found])
        return cls(scored, list(claims), readings, about)

    def subset(self, keep: Sequence[int]) -> Readings:
        scored = self.scored
        return Readings(Scored(scored.matcher, [scored.pairs[r] for r in keep], scored.indices[list(keep)],
                               scored.sims[list(keep)]), self.claims, [self.readings[r] for r in keep],
                        [self.about[r] for r in keep])

    def by_writer(self) -> list[Readings]:
        """The pairs of each writer (the prefix of their ids: hta-x0001 is writer hta's), in order of ids."""
        writers: dict[str, list[int]] = {}
        for row, pair in enumerate(self.scored.pairs):
            writers.setdefault(pair.id.split("-")[0], []).append(row)
        return [self.subset(rows) for _, rows in sorted(writers.items())]

    def rows(self, candidates: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The scorer's rows: features, whether the act is about the candidate, and whether it is an everyday act."""
        x = [v for pair in self.readings for v in (vec for _, vec in pair[:candidates])]
        y = [a for pair in self.about for a in pair[:candidates]]
        everyday = [pair.category == TRAFFIC for pair, found in zip(self.scored.pairs, self.readings, strict=True)
                    for _ in found[:candidates]]
        return (torch.tensor(np.array(x), dtype=torch.float64) if x else torch.zeros((0, len(FEATURES))),
                torch.tensor(y, dtype=torch.float64), torch.tensor(everyday, dtype=torch.bool))


def traffic_pairs(writers: Sequence[str], data_dir: Path = TRAFFIC_DIR, limit: int = TRAFFIC_ACTS,
                  seed: int = TRAFFIC_SEED) -> list[LabelledPair]:
    """``limit`` acts of the classifier's training split as unrelated pairs (category ``traffic``), their ids dealt
    round-robin to ``writers``' prefixes so that each writer's fold holds a share of them."""
    import json
    import random

    acts = []
    for path in sorted(data_dir.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                if record.get("kind") in ("post", "comment", "share", "like", "photo"):
                    acts.append(record)
    chosen = random.Random(seed).sample(acts, min(limit, len(acts)))
    return [LabelledPair(id=f"{writers[n % len(writers)]}-t{n:04d}", claim_id=None, kind=a["kind"],
                         text=a.get("text") or "", context=a.get("context"), platform=a.get("platform"),
                         label="unrelated", category=TRAFFIC, register=a.get("register"), split="train")
            for n, a in enumerate(chosen)]


def _about(matcher: HoaxMatcher, pair: LabelledPair, position: dict[Any, int], claim: Claim) -> bool:
    if pair.label == "unrelated" or pair.claim_id is None:
        return False
    gold, candidate = position[pair.claim_id], position[claim.id]
    return gold == candidate or matcher.duplicate(gold, candidate)


def fit(train: Sequence[Readings], l2: float, candidates: int, hidden: int = 0) -> MatchScorer:
    """A scorer fitted on ``train``'s rows: a logistic regression, or with ``hidden`` units one tanh layer under it."""
    parts = [r.rows(candidates) for r in train]
    x = torch.cat([p[0] for p in parts])
    y = torch.cat([p[1] for p in parts])
    weights = balanced_weights(y).double() * torch.where(torch.cat([p[2] for p in parts]), EVERYDAY_WEIGHT, 1.0)
    mean, scale = standardiser(x)
    common = {"features": list(FEATURES), "mean": mean.tolist(), "scale": scale.tolist(), "threshold": 0.5,
              "candidates": candidates, "l2": l2}
    if hidden:
        layer, layer_bias, weight, bias = fit_tanh_layer((x - mean) / scale, y, hidden, l2, weights)
        return MatchScorer(**common, weight=weight.tolist(), bias=bias, hidden_weight=layer.tolist(),
                           hidden_bias=layer_bias.tolist())
    weight, bias = fit_logistic((x - mean) / scale, y, l2, weights)
    return MatchScorer(**common, weight=weight.tolist(), bias=bias)


@dataclass
class Prepared:
    """One pair's readings under a fitted scorer: probabilities, most probable first, and what the act does."""

    claims: list[Claim]  # candidate claims, most probable first
    probability: list[float]
    clears_truth: bool
    action: str


def prepare(readings: Readings, scorer: MatchScorer, rules: HoaxRules,
            actions: dict[str, str] | None = None) -> list[Prepared | None]:
    """``actions``: what each pair's act does with its own claim, decided elsewhere (the action reader fitted
    without the pair's writer, :func:`out_of_writer_actions`); used when the scorer's choice is that claim."""
    matcher = readings.scored.matcher
    actions = actions or {}
    out: list[Prepared | None] = []
    for pair, found in zip(readings.scored.pairs, readings.readings, strict=True):
        found = found[:scorer.candidates]
        if not found:
            out.append(None)
            continue
        p = scorer.probability(np.stack([v for _, v in found]))
        order = [int(i) for i in np.argsort(-p, kind="stable")]
        top = found[order[0]][0]
        own_claim = top.best.claim.id == pair.claim_id and pair.id in actions
        action = actions[pair.id] if own_claim else matcher.act_action(pair, top.own, top.context, rules)
        out.append(Prepared([found[i][0].best.claim for i in order], [float(p[i]) for i in order],
                            scorer.clears_truth(top), action))
    return out


def decisions(prepared: Sequence[Prepared | None], threshold: float, max_claims: int) -> list[HoaxResult]:
    """What the matcher decides for each pair at ``threshold`` (as ``HoaxMatcher.scored_verdict``)."""
    out = []
    for pair in prepared:
        if pair is None or pair.probability[0] < threshold or not pair.clears_truth:
            out.append(HoaxResult(hoax=False, action="none"))
        elif pair.action != "spreads":
            out.append(HoaxResult(hoax=False, action=pair.action))
        else:
            cited = [ClaimMatch(c, p) for c, p in zip(pair.claims, pair.probability, strict=True) if p >= threshold]
            out.append(HoaxResult(hoax=True, action="spreads", claims=cited[:max_claims], score=pair.probability[0]))
    return out


def choose(writers: Sequence[Readings], always: Sequence[Readings], validation: Readings, rules: HoaxRules,
           l2_grid: Sequence[float] = L2_GRID, candidate_grid: Sequence[int] = CANDIDATE_GRID,
           true_margins: Sequence[float | None] = TRUE_MARGINS,
           actions: dict[str, str] | None = None, hidden_grid: Sequence[int] = HIDDEN_GRID,
           hidden_l2_grid: Sequence[float] = HIDDEN_L2_GRID) -> tuple[MatchScorer, dict[str, Any]]:
    """The scorer (logistic regression with an L2 of ``l2_grid``, or since v12 a tanh layer of ``hidden_grid`` units
    with an L2 of ``hidden_l2_grid``; candidates, margin over true claims, threshold) whose weaker of precision and
    recall is highest with CHOICE_DEBUNK_SHARE of the debunk shares and CHOICE_EVERYDAY_SHARE of the everyday acts
    unflagged, over the validation split *and* each training writer's pairs as decided by a scorer fitted without
    that writer (``writers``: one Readings per writer; ``always``: pairs always trained on, the development pairs).
    So the choice is made on acts written by someone the scorer never read, and on more of them than validation
    holds. The scorer returned is fitted on every writer and ``always``. Ties: higher F1, then the higher threshold
    (fewer flags for reviewers), then the grids' order.

    ``actions`` (v9): each pair's action on its own claim as the action reader fitted without its writer decides it.

    Returns the scorer and the figures of the choice: ``pooled`` (validation and out-of-writer pairs together),
    ``validation`` and ``out_of_writer``."""
    pairs = list(validation.scored.pairs) + [p for w in writers for p in w.scored.pairs]
    claims = list({id(c): c for r in (validation, *writers) for c in r.claims}.values())
    n_validation = len(validation.scored.pairs)
    best: tuple[tuple[float, ...], MatchScorer, list[HoaxResult]] | None = None
    settings = [(0, l2) for l2 in l2_grid] + [(h, l2) for h in hidden_grid if h for l2 in hidden_l2_grid]
    for candidates, (hidden, l2) in itertools.product(candidate_grid, settings):
        full = fit([*writers, *always], l2, candidates, hidden)
        folds = [fit([*writers[:k], *writers[k + 1:], *always], l2, candidates, hidden) if len(writers) > 1
                 else full for k in range(len(writers))]
        for margin in true_margins:
            prepared = prepare(validation, replace(full, true_margin=margin), rules, actions)
            for writer, fold in zip(writers, folds, strict=True):
                prepared += prepare(writer, replace(fold, true_margin=margin), rules, actions)
            for threshold in THRESHOLDS:
                decided = decisions(prepared, threshold, rules.max_claims)
                result = figures(pairs, decided, claims)
                precision, recall = result["precision"] or 0.0, result["recall"] or 0.0
                debunk = result["debunk_share_correct"] if result["debunk_share_correct"] is not None else 1.0
                everyday = result["categories"].get(TRAFFIC, {}).get("accuracy", 1.0)
                # The targets ask for both precision and recall (≥ 0.85 each): the setting whose weaker of the two is
                # highest, among those leaving the debunk shares and the everyday acts unflagged (up to their shares).
                feasible = debunk >= CHOICE_DEBUNK_SHARE and everyday >= CHOICE_EVERYDAY_SHARE
                f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
                key = (float(feasible), min(precision, recall), f1, debunk, threshold)
                if best is None or key > best[0]:
                    best = (key, replace(full, true_margin=margin, threshold=threshold), decided)
    assert best is not None
    scorer, decided = best[1], best[2]
    return scorer, {"pooled": figures(pairs, decided, claims),
                    "validation": figures(pairs[:n_validation], decided[:n_validation], claims),
                    "out_of_writer": figures(pairs[n_validation:], decided[n_validation:], claims)}


def data_digest(paths: Sequence[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def trained_on(train: Sequence[Readings], folders: Sequence[Path]) -> dict[str, Any]:
    """What the scorer was fitted on: folders (the everyday acts' among them), their files' hash, pairs, and how
    many everyday acts were drawn with which seed."""
    files = [f for folder in folders for f in sorted(folder.glob("*.jsonl"))]
    pairs = sum(len(r.scored.pairs) for r in train)
    splits = sorted({p.split for r in train for p in r.scored.pairs})
    everyday = sum(p.category == TRAFFIC for r in train for p in r.scored.pairs)
    return {"folders": [f"models/data/{folder.name}" for folder in folders], "splits": splits,
            "data_sha256": data_digest(files), "pairs": pairs,
            "hoax_pairs": sum(gold_hoax(p, {c.id: c for c in r.claims}) for r in train for p in r.scored.pairs),
            "everyday_acts": {"acts": everyday, "from": f"models/data/{TRAFFIC_DIR.name}", "seed": TRAFFIC_SEED,
                              "weight": EVERYDAY_WEIGHT}}


def subset(scored: Scored, split: str) -> Scored:
    """The pairs of one split of a scored set (scored together so that the claims are encoded once)."""
    rows = [r for r, p in enumerate(scored.pairs) if p.split == split]
    return Scored(scored.matcher, [scored.pairs[r] for r in rows], scored.indices[rows], scored.sims[rows])

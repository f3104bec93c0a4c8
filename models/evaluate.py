"""Measure a classifier on labelled acts, next to the keyword baseline.

Figures: precision/recall/F1 of the flag (what goes to the review queue),
stance macro-F1, hate F1, candidate accuracy (on gold-partisan acts that name a
candidate), the stance confusion matrix, per-act-kind flag figures and the
share of hard negatives wrongly flagged.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.dataset import DATA_DIR, LabelledItem, load_profiles, load_split, read_jsonl
from models.features import STANCES
from models.profile import ElectionProfile, load_profile

TARGET_RECALL = 0.95


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": tp + fn}


def binary_figures(gold: Sequence[bool], pred: Sequence[bool]) -> dict[str, float]:
    tp = sum(g and p for g, p in zip(gold, pred, strict=True))
    fp = sum(p and not g for g, p in zip(gold, pred, strict=True))
    fn = sum(g and not p for g, p in zip(gold, pred, strict=True))
    return _prf(tp, fp, fn)


def score_results(gold: Sequence[LabelledItem], preds: Sequence[Any]) -> dict[str, Any]:
    """All figures for one system; ``preds`` are ``ClassifyResult``s in the order of ``gold``."""
    if len(gold) != len(preds):
        raise ValueError("gold and predictions differ in length")
    flag = binary_figures([g.flagged for g in gold], [p.flagged for p in preds])
    hate = binary_figures([g.hate for g in gold], [p.hate for p in preds])
    confusion = {g: {p: 0 for p in STANCES} for g in STANCES}
    for g, p in zip(gold, preds, strict=True):
        confusion[g.stance][p.stance] += 1
    f1s = []
    for label in STANCES:
        tp = confusion[label][label]
        fp = sum(confusion[o][label] for o in STANCES if o != label)
        fn = sum(confusion[label][o] for o in STANCES if o != label)
        f1s.append(_prf(tp, fp, fn)["f1"])
    with_candidate = [(g, p) for g, p in zip(gold, preds, strict=True) if g.stance != "none" and g.candidate]
    cand_acc = sum(p.candidate == g.candidate for g, p in with_candidate) / len(with_candidate) if with_candidate \
        else 0.0
    flagged_right = [(g, p) for g, p in with_candidate if p.flagged]
    cand_acc_flagged = sum(p.candidate == g.candidate for g, p in flagged_right) / len(flagged_right) \
        if flagged_right else 0.0
    per_kind: dict[str, Any] = {}
    by_kind: dict[str, list[int]] = defaultdict(list)
    for i, g in enumerate(gold):
        by_kind[g.kind].append(i)
    for kind, idx in sorted(by_kind.items()):
        flags = binary_figures([gold[i].flagged for i in idx], [preds[i].flagged for i in idx])
        per_kind[kind] = {"items": len(idx)} | flags
    hard = [p for g, p in zip(gold, preds, strict=True) if g.hard_negative]
    per_category: dict[str, Any] = {}
    by_category: dict[str, list[int]] = defaultdict(list)
    for i, g in enumerate(gold):
        if g.category:
            by_category[g.category].append(i)
    for category, idx in sorted(by_category.items()):
        flags = binary_figures([gold[i].flagged for i in idx], [preds[i].flagged for i in idx])
        cands = [i for i in idx if gold[i].stance != "none" and gold[i].candidate]
        per_category[category] = {
            "items": len(idx), **flags,
            "stance_accuracy": round(sum(preds[i].stance == gold[i].stance for i in idx) / len(idx), 4),
            "candidate_accuracy": round(sum(preds[i].candidate == gold[i].candidate for i in cands) / len(cands), 4)
            if cands else None,
        }
    return {
        "items": len(gold),
        "flag": flag,
        "stance_macro_f1": round(sum(f1s) / len(f1s), 4),
        "hate": hate,
        "candidate_accuracy": round(cand_acc, 4),
        "candidate_accuracy_when_flagged": round(cand_acc_flagged, 4),
        "candidate_items": len(with_candidate),
        "stance_confusion": confusion,
        "per_kind": per_kind,
        "per_category": per_category,
        "hard_negatives": len(hard),
        "hard_negative_flag_rate": round(sum(p.flagged for p in hard) / len(hard), 4) if hard else 0.0,
    }


def choose_threshold(gold: Sequence[LabelledItem], scores: Sequence[float], target_recall: float = TARGET_RECALL
                     ) -> float:
    """The highest threshold whose flag recall on ``gold`` still reaches ``target_recall``.

    Recall matters most (a missed breach never reaches a reviewer); among
    thresholds that keep it, the highest gives the best precision.
    """
    positives = sum(g.flagged for g in gold)
    if positives == 0:
        return 0.5
    best = 0.0
    for t in sorted(set(round(s, 4) for s in scores)):
        tp = sum(g.flagged and s >= t for g, s in zip(gold, scores, strict=True))
        if tp / positives >= target_recall:
            best = t
    # Stay a hair below the score that reached the target so equal scores are flagged too.
    return max(0.01, round(best - 1e-4, 4))


@dataclass
class LabelledSet:
    """Labelled acts grouped by profile, ready to classify."""

    groups: list[tuple[ElectionProfile, list[LabelledItem]]]

    @property
    def items(self) -> list[LabelledItem]:
        return [i for _, items in self.groups for i in items]


def load_labelled(data: Path, profile: Path | None = None, split: str = "dev") -> LabelledSet:
    """A JSONL file, a folder of JSONL files, or a data directory (its ``split`` folder).

    ``profile`` is one profile file (the election all items are about) or a folder
    of profiles; by default the ``profiles`` folder of the data directory.
    """
    if data.is_dir() and (data / split).is_dir():
        items = load_split(split, data, validate=False)
        default_profiles = data / "profiles"
    elif data.is_dir():
        items = [i for path in sorted(data.glob("*.jsonl")) for i in read_jsonl(path)]
        default_profiles = data.parent / "profiles"
    elif data.is_file():
        items = list(read_jsonl(data))
        default_profiles = data.parent.parent / "profiles"
    else:
        raise FileNotFoundError(f"{data}: no such file or directory")
    if profile is None:
        profiles = load_profiles(default_profiles if default_profiles.is_dir() else DATA_DIR / "profiles")
    elif profile.is_dir():
        profiles = load_profiles(profile)
    else:
        loaded = load_profile(profile)
        profiles = {loaded.id: loaded}
    if len(profiles) == 1 and any(i.profile in profiles for i in items):
        # One profile given for a file that mixes elections: evaluate the acts of that election only.
        items = [i for i in items if i.profile in profiles]
    groups: dict[str, list[LabelledItem]] = defaultdict(list)
    for item in items:
        groups[item.profile].append(item)
    out = []
    for pid, group in groups.items():
        if pid in profiles:
            out.append((profiles[pid], group))
        elif len(profiles) == 1:
            # One profile given for a file: it is the election those items are about.
            out.append((next(iter(profiles.values())), group))
        else:
            raise ValueError(f"{data}: items refer to profile {pid!r}, which is not among the given profiles")
    return LabelledSet(out)


def evaluate(classifier: Any, labelled: LabelledSet) -> dict[str, Any]:
    """Figures for the model and for the keyword baseline on the same items."""
    from models.infer import ClassifyInput
    from models.keywords import keyword_classify

    gold: list[LabelledItem] = []
    model_preds: list[Any] = []
    keyword_preds: list[Any] = []
    for profile, items in labelled.groups:
        inputs = [ClassifyInput(i.id, i.kind, i.text, i.context, i.platform) for i in items]
        gold.extend(items)
        model_preds.extend(classifier.classify(inputs, profile))
        keyword_preds.extend(keyword_classify(inputs, profile))
    return {
        "model_version": classifier.model_version,
        "threshold": classifier.threshold,
        "profiles": [p.id for p, _ in labelled.groups],
        "model": score_results(gold, model_preds),
        "keyword_baseline": score_results(gold, keyword_preds),
        "errors": [
            {"id": g.id, "gold": [g.stance, g.hate, g.candidate], "pred": [p.stance, p.hate, p.candidate],
             "score": round(p.score, 3)}
            for g, p in zip(gold, model_preds, strict=True)
            if g.flagged != p.flagged or (g.flagged and g.candidate and g.candidate != p.candidate)
        ],
    }


def format_report(report: dict[str, Any]) -> str:
    lines = [f"model {report['model_version']}  threshold {report['threshold']:.3f}  "
             f"profiles {', '.join(report['profiles'])}"]
    header = f"{'system':<18}{'flag P':>8}{'flag R':>8}{'flag F1':>8}{'stance mF1':>11}{'hate F1':>9}{'cand acc':>9}" \
             f"{'hardneg FP':>11}"
    lines.append(header)
    for name in ("model", "keyword_baseline"):
        m = report[name]
        lines.append(
            f"{name:<18}{m['flag']['precision']:>8.3f}{m['flag']['recall']:>8.3f}{m['flag']['f1']:>8.3f}"
            f"{m['stance_macro_f1']:>11.3f}{m['hate']['f1']:>9.3f}{m['candidate_accuracy']:>9.3f}"
            f"{m['hard_negative_flag_rate']:>11.3f}"
        )
    m = report["model"]
    lines.append(f"items {m['items']}, hard negatives {m['hard_negatives']}, candidate items {m['candidate_items']}")
    lines.append("stance confusion (rows gold, columns predicted): " + ", ".join(STANCES))
    for g in STANCES:
        lines.append(f"  {g:<8}" + "".join(f"{m['stance_confusion'][g][p]:>6}" for p in STANCES))
    lines.append("per act kind (model flag P/R/F1, items):")
    for kind, k in m["per_kind"].items():
        lines.append(f"  {kind:<8}{k['precision']:>7.3f}{k['recall']:>7.3f}{k['f1']:>7.3f}{k['items']:>6}")
    if m.get("per_category"):
        lines.append("per category, weakest flag F1 first (model flag P/R/F1, stance acc, candidate acc, items):")
        for name, c in sorted(m["per_category"].items(), key=lambda kv: (kv[1]["f1"], kv[0])):
            cand = f"{c['candidate_accuracy']:.3f}" if c["candidate_accuracy"] is not None else "  -  "
            lines.append(f"  {name:<24}{c['precision']:>7.3f}{c['recall']:>7.3f}{c['f1']:>7.3f}"
                         f"{c['stance_accuracy']:>8.3f}{cand:>8}{c['items']:>6}")
    return "\n".join(lines)


def save_report(report: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")

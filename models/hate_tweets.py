"""A tweet-register hate component beside the classifier's hate head (``python -m models.hate_tweets``).

The head's hate output was trained on ~8k written acts and only 400 real tweets; on real 2019 tweets it
flags many merely abusive or rude ones. This component is a logistic regression on the same pooled
sentence embedding the head reads, trained on the Ibrohim & Budi tweets that neither the network's
training nor the held-out evaluation uses (``tweet_pool``), and fused with the head's hate logit by a
three-weight logistic combiner::

    p(hate) = sigmoid(a * head_logit + b * component_logit + c)

The combiner is fitted on out-of-fold component logits of the training tweets together with the dev
split's acts (so hate in the acts' own style keeps its weight), and the decision stays ``p >= 0.5``
(``models.infer.HATE_THRESHOLD``): the offset ``c`` carries the threshold chosen on validation data.
The variant and offset are chosen on the validation tweets and the dev acts (``choose``); the held-out
tweets (``models/hate_heldout.py``) are the test, read once per built component.

Files in the model directory: ``hate_tweets.safetensors`` (standardisation, weights, combiner) and
``hate_tweets.json`` (how it was built: data hash, counts, seed, figures). A model directory without
them classifies exactly as before.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from models.hate_fusion import (  # noqa: F401 — the component's runtime side, re-exported for its users
    META_FILE,
    NGRAM_BUCKETS,
    WEIGHTS_FILE,
    HateTweets,
    confident,
    inverse_document_frequency,
    load_hate_tweets,
    ngram_counts,
    ngram_matrix,
    pair_text,
    save_hate_tweets,
    version_suffix,
)
from models.hate_heldout import MIN_ADAPTED_CHARS, adapted_training_texts, heldout_tweets, normalised
from models.logistic import balanced_weights, fit_logistic, standardiser
from models.train import HATE_SET, Tweet, hate_tweet_text, read_hate_set, split_hate_set

log = logging.getLogger(__name__)

# The held-out tweets (models/hate_heldout.py) the lead measures once; never trained or chosen on here.
HELDOUT_LIMIT = 2000
VALIDATION_SHARE = 0.3
SPLIT_SEED = 20260
FOLDS = 5
L2_GRID = (1e-4, 1e-3, 1e-2, 3e-2, 1e-1)
NGRAM_L2_GRID = (1e-4, 1e-3)
CONFIDENT_AT = (None, 2.0, 4.0)
DEV_WEIGHT = 0.5
# Issue 16 asks for hate F1 >= 0.80 on real held-out tweets; a point above it on the validation tweets, since the
# point chosen sits near the boundary it was chosen by.
TWEET_F1_FLOOR = 0.81


# --- data -----------------------------------------------------------------------------------------------


def tweet_pool(training: dict[str, Any], path: Path = HATE_SET, heldout_limit: int = HELDOUT_LIMIT,
               adapted: Sequence[str] | None = None) -> list[Tweet]:
    """The corpus tweets this component may learn from: one per normalised text, outside the network's training
    tweets, the held-out tweets and the sources of adapted training items, in any of their forms.

    The held-out tweets are read only to leave them out: a tweet whose words equal one of theirs (its RT copy)
    or contain or are contained in one of theirs (30+ characters) is left out too.
    """
    count = int(training.get("extra_hate_tweets") or 0)
    seed = int(training.get("seed", 13))
    rows = read_hate_set(path)
    chosen, rest = split_hate_set(rows, count, seed)
    held = heldout_tweets(training, heldout_limit, path, adapted=adapted)
    sources = list(adapted_training_texts() if adapted is None else adapted)
    banned = {normalised(r["Tweet"]) for r in (*chosen, *held)}
    long_banned = [k for k in banned | {normalised(t) for t in sources} if len(k) >= MIN_ADAPTED_CHARS]
    labels: dict[str, set[str]] = {}
    first: dict[str, Tweet] = {}
    for row in sorted(rest, key=lambda r: r["Tweet"]):
        key = normalised(row["Tweet"])
        if not key or key in banned:
            continue
        labels.setdefault(key, set()).add(row["HS"])
        first.setdefault(key, row)
    out = []
    for key, row in first.items():
        if len(labels[key]) > 1:
            continue  # the corpus labels the same words both ways: no label to learn
        if any(b in key or (len(key) >= MIN_ADAPTED_CHARS and key in b) for b in long_banned):
            continue
        out.append(row)
    return out


def split_pool(rows: Sequence[Tweet], share: float = VALIDATION_SHARE, seed: int = SPLIT_SEED
               ) -> tuple[list[Tweet], list[Tweet]]:
    """Training and validation tweets, a fixed shuffle of the pool (each normalised text is already once)."""
    order = sorted(rows, key=lambda r: normalised(r["Tweet"]))
    random.Random(seed).shuffle(order)
    cut = round(len(order) * share)
    return order[cut:], order[:cut]


def pool_digest(rows: Sequence[Tweet]) -> str:
    h = hashlib.sha256()
    for row in sorted(rows, key=lambda r: r["Tweet"]):
        h.update(f"{row['HS']}\t{row['Tweet']}\n".encode())
    return h.hexdigest()


# --- fitting --------------------------------------------------------------------------------------------


def out_of_fold_logits(x: torch.Tensor, y: torch.Tensor, l2: float, folds: int = FOLDS, seed: int = SPLIT_SEED
                       ) -> torch.Tensor:
    """Each training tweet's component logit from a regression that never saw it."""
    order = list(range(len(y)))
    random.Random(seed).shuffle(order)
    out = torch.zeros(len(y))
    for k in range(folds):
        test = torch.tensor(order[k::folds])
        keep = torch.ones(len(y), dtype=torch.bool)
        keep[test] = False
        mean, scale = standardiser(x[keep])
        w, b = fit_logistic((x[keep] - mean) / scale, y[keep], l2, balanced_weights(y[keep]))
        out[test] = ((x[test] - mean) / scale) @ w + b
    return out


def log_loss(z: torch.Tensor, y: torch.Tensor) -> float:
    return float(torch.nn.functional.binary_cross_entropy_with_logits(z.double(), y.double()))


def f1_at(p: torch.Tensor, y: torch.Tensor, threshold: float = 0.5) -> dict[str, float]:
    from models.evaluate import binary_figures

    return binary_figures([bool(v) for v in (y > 0.5).tolist()], [bool(v) for v in (p >= threshold).tolist()])


def fit_ngram(texts: Sequence[str], y: torch.Tensor, l2: float) -> tuple[torch.Tensor, float, torch.Tensor]:
    """The n-gram regression (weights rounded to half precision as the file keeps them), its bias and idf."""
    idf = inverse_document_frequency(texts)
    weight, bias = fit_logistic(ngram_matrix(texts, idf), y, l2, balanced_weights(y))
    return weight.half().float(), bias, idf


def ngram_logits(texts: Sequence[str], weight: torch.Tensor, bias: float, idf: torch.Tensor) -> torch.Tensor:
    return HateTweets(torch.zeros(1), torch.ones(1), torch.zeros(1), 0.0, 0.0, 0.0, 0.0, weight, bias, idf
                      ).ngram_logit(texts)


def ngram_out_of_fold(texts: Sequence[str], y: torch.Tensor, l2: float, folds: int = FOLDS,
                      seed: int = SPLIT_SEED) -> torch.Tensor:
    """Each training tweet's n-gram logit from a regression (and idf) that never saw it."""
    order = list(range(len(y)))
    random.Random(seed).shuffle(order)
    out = torch.zeros(len(y))
    for k in range(folds):
        test = order[k::folds]
        held = set(test)
        keep = [i for i in range(len(y)) if i not in held]
        weight, bias, idf = fit_ngram([texts[i] for i in keep], y[keep], l2)
        out[test] = ngram_logits([texts[i] for i in test], weight, bias, idf)
    return out


def act_means(p_pair: torch.Tensor, act: torch.Tensor, acts: int) -> torch.Tensor:
    """Each act's hate probability as the classifier reads it: the mean over its model inputs (0 without any)."""
    total = torch.zeros(acts).index_add_(0, act, p_pair.float())
    count = torch.zeros(acts).index_add_(0, act, torch.ones(len(act)))
    return torch.where(count > 0, total / count.clamp(min=1), torch.zeros(acts))


# --- building -------------------------------------------------------------------------------------------


def encode_tweets(classifier: Any, rows: Sequence[Tweet]) -> dict[str, Any]:
    """Head logits, pooled embeddings and labels of tweets read as untargeted posts (as hate_heldout reads them)."""
    pairs = [(hate_tweet_text(r), None) for r in rows]
    _, head, pooled = classifier.encode_pairs(pairs)
    return {"head": head, "pooled": pooled, "y": torch.tensor([float(r["HS"] == "1") for r in rows]),
            "texts": [pair_text(*p) for p in pairs]}


def encode_dev_acts(classifier: Any, data_dir: Path | None = None) -> dict[str, Any]:
    """The dev split's acts as the classifier reads them: one row per model input, with its act's index."""
    from models.dataset import DATA_DIR
    from models.evaluate import load_labelled
    from models.infer import ClassifyInput

    labelled = load_labelled(data_dir or DATA_DIR, split="dev")
    pairs: list[tuple[str, str | None]] = []
    act: list[int] = []
    gold: list[float] = []

    def record(p: Sequence[tuple[str, str | None]]) -> tuple[torch.Tensor, torch.Tensor]:
        pairs.extend(p)
        return torch.zeros(len(p), 3), torch.zeros(len(p))

    original = classifier.predict_pairs
    # score() builds the model inputs exactly as classify() does; only the pairs are wanted here.
    classifier.predict_pairs = record
    try:
        for profile, items in labelled.groups:
            inputs = [ClassifyInput(i.id, i.kind, i.text, i.context, i.platform) for i in items]
            for item, s in zip(items, classifier.score(inputs, profile), strict=True):
                n = len(s.view.inputs) if s.view is not None else 0
                act.extend([len(gold)] * n)
                gold.append(float(item.hate))
    finally:
        classifier.predict_pairs = original
    _, head, pooled = classifier.encode_pairs(pairs)
    act_t = torch.tensor(act, dtype=torch.long)
    return {"head": head, "pooled": pooled, "act": act_t, "y": torch.tensor(gold)[act_t], "gold": torch.tensor(gold),
            "texts": [pair_text(*p) for p in pairs]}


def _weights_by_register(n_tweets: int, n_acts: int, acts_share: float = DEV_WEIGHT) -> torch.Tensor:
    """The dev acts weigh ``acts_share`` in total, so the acts' style is not outvoted ten to one by the tweets."""
    return torch.cat([torch.full((n_tweets,), (1 - acts_share) / max(n_tweets, 1)),
                      torch.full((n_acts,), acts_share / max(n_acts, 1))])


def _fusion_columns(head: torch.Tensor, emb: torch.Tensor, ngram: torch.Tensor, at: float | None) -> torch.Tensor:
    columns = [head, emb, ngram] + ([confident(head, at)] if at is not None else [])
    return torch.stack(columns, 1)


def choose(points: Sequence[dict[str, Any]], floor: float = TWEET_F1_FLOOR) -> tuple[dict[str, Any], bool]:
    """The (variant, offset) point to ship, and whether it reaches the tweet floor.

    Each point has ``val_tweets_f1`` and ``dev_acts_f1``. The rule, fixed before the held-out tweets were read
    for this build: among the points whose validation-tweet F1 reaches ``floor``, the highest dev-acts F1
    (written acts are what Netra reads); ties by the higher tweet F1, then the smaller shift. With none there,
    the highest mean of the two, and the record says the floor was missed.

    The rule before (the mean of out-of-fold training-tweet F1 and dev-acts F1) let 42 dev acts pull the
    offset to where tweets were read at P 0.69 / R 0.93: 0.789 on validation tweets, 0.792 held out.
    """
    def key(p: dict[str, Any]) -> tuple[float, float, float]:
        return round(p["dev_acts_f1"], 6), round(p["val_tweets_f1"], 6), -abs(p["shift"])

    feasible = [p for p in points if p["val_tweets_f1"] >= floor]
    if feasible:
        return max(feasible, key=key), True
    return max(points, key=lambda p: (round((p["val_tweets_f1"] + p["dev_acts_f1"]) / 2, 6), -abs(p["shift"]))), \
        False


def fit_component(train: dict[str, Any], dev: dict[str, Any], val: dict[str, Any],
                  l2_grid: Sequence[float] = L2_GRID, ngram_l2_grid: Sequence[float] = NGRAM_L2_GRID,
                  confident_grid: Sequence[float | None] = CONFIDENT_AT,
                  shifts: Sequence[float] = tuple(x / 20 for x in range(-60, 61)),
                  floor: float = TWEET_F1_FLOOR) -> tuple[HateTweets, dict[str, Any]]:
    """The component and its combiner: fitted on the training tweets, chosen on the validation tweets and dev acts.

    1. Each reader's L2 weight: the lowest out-of-fold log loss on the training tweets.
    2. The combiner: a logistic regression on (head logit, embedding logit, n-gram logit[, the head's logit
       beyond ±k]) over the training tweets' out-of-fold logits and the dev acts' inputs, the acts weighing
       ``DEV_WEIGHT`` in total.
    3. The variant (k, or none) and the offset shift, since the combiner's own offset fits likelihood, not F1:
       :func:`choose` over every (k, shift) by validation-tweet F1 and dev-acts F1.
    """
    y = train["y"]
    emb_oofs = {l2: out_of_fold_logits(train["pooled"], y, l2) for l2 in l2_grid}
    emb_losses = {l2: log_loss(z, y) for l2, z in emb_oofs.items()}
    l2 = min(l2_grid, key=lambda v: (round(emb_losses[v], 6), v))
    ng_oofs = {l2n: ngram_out_of_fold(train["texts"], y, l2n) for l2n in ngram_l2_grid}
    ng_losses = {l2n: log_loss(z, y) for l2n, z in ng_oofs.items()}
    l2n = min(ngram_l2_grid, key=lambda v: (round(ng_losses[v], 6), v))
    log.info("L2: embedding %s %s, n-gram %s %s", l2, emb_losses, l2n, ng_losses)
    mean, scale = standardiser(train["pooled"])
    weight, bias = fit_logistic((train["pooled"] - mean) / scale, y, l2, balanced_weights(y))
    ng_weight, ng_bias, idf = fit_ngram(train["texts"], y, l2n)
    component = HateTweets(mean, scale, weight, bias, 1.0, 0.0, 0.0, ng_weight, ng_bias, idf)
    dev_emb = component.component_logit(dev["pooled"])
    dev_ng = component.ngram_logit(dev["texts"])
    acts = len(dev["gold"])
    weights = _weights_by_register(len(y), len(dev["y"]))
    val_emb, val_ng = component.component_logit(val["pooled"]), component.ngram_logit(val["texts"])
    points: list[dict[str, Any]] = []
    for at in confident_grid:
        tweets_x = _fusion_columns(train["head"], emb_oofs[l2], ng_oofs[l2n], at)
        dev_x = _fusion_columns(dev["head"], dev_emb, dev_ng, at)
        val_x = _fusion_columns(val["head"], val_emb, val_ng, at)
        coefs, offset = fit_logistic(torch.cat([tweets_x, dev_x]), torch.cat([y, dev["y"]]), 1e-4, weights)
        for shift in shifts:
            dev_p = act_means(torch.sigmoid(dev_x @ coefs + offset + shift), dev["act"], acts)
            points.append({
                "confident_at": at, "coefs": coefs, "offset": offset + shift, "shift": shift,
                "train_tweets_oof_f1": f1_at(torch.sigmoid(tweets_x @ coefs + offset + shift), y)["f1"],
                "val_tweets_f1": f1_at(torch.sigmoid(val_x @ coefs + offset + shift), val["y"])["f1"],
                "dev_acts_f1": f1_at(dev_p, dev["gold"])["f1"]})
        log.info("confident at %s: coefficients %s, offset %.3f", at, [round(c, 3) for c in coefs.tolist()], offset)
    best, floor_met = choose(points, floor)
    if not floor_met:
        log.warning("no variant reaches hate F1 %.2f on the validation tweets: shipped %.4f", floor,
                    best["val_tweets_f1"])
    at, coefs, offset = best["confident_at"], best["coefs"], best["offset"]
    tweets_f1, dev_f1 = best["train_tweets_oof_f1"], best["dev_acts_f1"]
    per_variant = []
    for k in confident_grid:
        mine = [p for p in points if p["confident_at"] == k]
        top, _ = choose(mine, floor)
        per_variant.append({"confident_at": k, "shift": top["shift"], "train_tweets_oof_f1": top["train_tweets_oof_f1"],
                            "val_tweets_f1": top["val_tweets_f1"], "dev_acts_f1": top["dev_acts_f1"],
                            "best_val_tweets_f1": max(p["val_tweets_f1"] for p in mine)})
    c = coefs.tolist() + [0.0]
    component.head_coef, component.component_coef, component.ngram_coef = c[0], c[1], c[2]
    component.confident_coef, component.confident_at = (c[3], at) if at is not None else (0.0, 0.0)
    component.offset = offset
    choice = {"l2_embedding": l2, "oof_log_loss_embedding": {str(k): round(v, 4) for k, v in emb_losses.items()},
              "l2_ngram": l2n, "oof_log_loss_ngram": {str(k): round(v, 4) for k, v in ng_losses.items()},
              "confident_at": at, "dev_weight": DEV_WEIGHT,
              "combiner": {"head": round(c[0], 4), "embedding": round(c[1], 4), "ngram": round(c[2], 4),
                           "confident": round(component.confident_coef, 4), "offset": round(offset, 4)},
              "rule": f"highest dev-acts F1 among points with validation-tweet F1 >= {floor}",
              "floor_met": floor_met, "candidates": per_variant,
              "train_tweets_oof_f1": tweets_f1, "val_tweets_f1": best["val_tweets_f1"], "dev_acts_f1": dev_f1}
    return component, choice


def figures(component: HateTweets | None, tweets: dict[str, Any], dev: dict[str, Any]
            ) -> dict[str, Any]:
    """Hate P/R/F1 on tweets and on dev acts (read as the classifier reads them), with or without the component."""
    def hate_p(d: dict[str, Any]) -> torch.Tensor:
        return torch.sigmoid(d["head"]) if component is None else component.fuse(d["head"], d["pooled"], d["texts"])

    return {"tweets": f1_at(hate_p(tweets), tweets["y"]),
            "dev_acts": f1_at(act_means(hate_p(dev), dev["act"], len(dev["gold"])), dev["gold"])}


def build(model_dir: Path | None = None, data_dir: Path | None = None, path: Path = HATE_SET,
          threads: int = 2, encodings: Path | None = None) -> dict[str, Any]:
    """Fit the component for the classifier in ``model_dir`` and write its two files there; its metadata back.

    The embeddings are the fp32 network's; the fused score is also what the int8 paths read (they change
    the pooled embedding only slightly). ``encodings``: a file to keep the network's outputs in (and read
    them from, when they belong to this model and this tweet pool).
    """
    import time

    from models.dataset import source_commit
    from models.infer import DEFAULT_MODEL_DIR, load_classifier

    started = time.time()
    model_dir = Path(model_dir or DEFAULT_MODEL_DIR)
    classifier = load_classifier(model_dir, precision="fp32", threads=threads)
    classifier.hate_tweets = None  # the head alone: what the component is fused with
    # The network's own version: a component already in the directory added its fit to the loaded one.
    classifier.meta.version = classifier.meta.version.removesuffix(version_suffix(model_dir))
    pool = tweet_pool(classifier.meta.training, path)
    train_rows, val_rows = split_pool(pool)
    log.info("tweet pool %d: %d training, %d validation", len(pool), len(train_rows), len(val_rows))
    key = {"model_version": classifier.model_version, "pool_sha256": pool_digest(pool), "split_seed": SPLIT_SEED,
           "validation_share": VALIDATION_SHARE}
    cached = torch.load(encodings, weights_only=False) if encodings is not None and encodings.is_file() else None
    encoded = "computed by this run"
    if cached is not None and cached.get("key") == key:
        # Encoding ~11k inputs is most of the build's time on a CPU; refitting reuses it.
        log.info("encodings read from %s", encodings)
        train, val, dev = cached["train"], cached["val"], cached["dev"]
        encoded = f"read from {encodings} (same model version and tweet pool)"
    else:
        train, val = encode_tweets(classifier, train_rows), encode_tweets(classifier, val_rows)
        dev = encode_dev_acts(classifier, data_dir)
        if encodings is not None:
            torch.save({"key": key, "train": train, "val": val, "dev": dev}, encodings)
    component, choice = fit_component(train, dev, val)
    meta = {
        "model_version": classifier.model_version,
        "what": "logistic regression on the pooled embedding, fused with the hate head's logit "
                "(models/hate_tweets.py); decision p >= 0.5",
        "corpus": "id-hate-speech-2019 (Ibrohim & Budi 2019), CC BY-NC-SA 4.0",
        "corpus_sha256": hashlib.sha256(Path(path).read_bytes()).hexdigest(),
        "pool_sha256": pool_digest(pool),
        "excluded": {"network_training_tweets": int(classifier.meta.training.get("extra_hate_tweets") or 0),
                     "heldout_tweets": HELDOUT_LIMIT, "rule": "normalised text equal, or containing/contained "
                     f"(>= {MIN_ADAPTED_CHARS} chars), to a training, held-out or adapted-source tweet; "
                     "texts labelled both ways"},
        "counts": {"pool": len(pool), "train_tweets": len(train_rows), "validation_tweets": len(val_rows),
                   "train_hate_share": round(float(train["y"].mean()), 4),
                   "validation_hate_share": round(float(val["y"].mean()), 4),
                   "dev_acts": len(dev["gold"]), "dev_inputs": len(dev["act"]),
                   "dev_hate_acts": int(dev["gold"].sum())},
        "seed": {"split": SPLIT_SEED, "folds": FOLDS, "validation_share": VALIDATION_SHARE},
        "embedding_precision": "fp32",
        "encodings": encoded,
        "choice": choice,
        "validation": {"head_only": figures(None, val, dev), "fused": figures(component, val, dev)},
        "source_commit": source_commit(),
        "seconds": round(time.time() - started),
    }
    save_hate_tweets(component, model_dir, meta)
    return meta


if __name__ == "__main__":
    import argparse

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, help="model directory (default: models/default)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--encodings", type=Path, default=None, help="keep/reuse the network's outputs in this file")
    args = parser.parse_args()
    print(json.dumps(build(args.model, threads=args.threads, encodings=args.encodings), indent=1, ensure_ascii=False))

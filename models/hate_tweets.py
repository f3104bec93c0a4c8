"""A tweet-register hate component beside the classifier's hate head (``python -m models.hate_tweets``).

The head's hate output was trained on ~8k written acts and only 400 real tweets; on real 2019 tweets it
flags many merely abusive or rude ones. This component is a logistic regression on the same pooled
sentence embedding the head reads, trained on the Ibrohim & Budi tweets that neither the network's
training nor the held-out evaluation uses (``tweet_pool``), and fused with the head's hate logit by a
three-weight logistic combiner::

    p(hate) = sigmoid(a * head_logit + b * component_logit + c)

The combiner is fitted on out-of-fold component logits of the training tweets together with the dev
split's acts (so hate in the acts' own style keeps its weight), and the decision stays ``p >= 0.5``
(``models.infer.HATE_THRESHOLD``): the offset ``c`` carries the threshold chosen on the same data.
Everything is chosen on training tweets and dev acts; validation tweets are only measured.

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from models.hate_heldout import MIN_ADAPTED_CHARS, adapted_training_texts, heldout_tweets, normalised
from models.train import HATE_SET, Tweet, hate_tweet_text, read_hate_set, split_hate_set

log = logging.getLogger(__name__)

WEIGHTS_FILE = "hate_tweets.safetensors"
META_FILE = "hate_tweets.json"
# The held-out tweets (models/hate_heldout.py) the lead measures once; never trained or chosen on here.
HELDOUT_LIMIT = 2000
VALIDATION_SHARE = 0.3
SPLIT_SEED = 20260
FOLDS = 5
L2_GRID = (1e-4, 1e-3, 1e-2, 3e-2, 1e-1)


@dataclass
class HateTweets:
    """Standardise the pooled embedding, read it with a logistic regression, fuse with the head's logit."""

    mean: torch.Tensor  # [hidden]
    scale: torch.Tensor  # [hidden]
    weight: torch.Tensor  # [hidden]
    bias: float
    head_coef: float
    component_coef: float
    offset: float

    def component_logit(self, pooled: torch.Tensor) -> torch.Tensor:
        return ((pooled.float() - self.mean) / self.scale) @ self.weight + self.bias

    def fuse(self, head_logit: torch.Tensor, pooled: torch.Tensor) -> torch.Tensor:
        """The fused hate probability [n] from the head's hate logit [n] and the pooled embedding [n, hidden]."""
        z = self.head_coef * head_logit.float() + self.component_coef * self.component_logit(pooled) + self.offset
        return torch.sigmoid(z)

    def tensors(self) -> dict[str, torch.Tensor]:
        return {
            "mean": self.mean.float().contiguous(),
            "scale": self.scale.float().contiguous(),
            "weight": self.weight.float().contiguous(),
            "bias": torch.tensor([self.bias], dtype=torch.float32),
            "fusion": torch.tensor([self.head_coef, self.component_coef, self.offset], dtype=torch.float32),
        }

    @classmethod
    def from_tensors(cls, t: dict[str, torch.Tensor]) -> HateTweets:
        fusion = t["fusion"].tolist()
        return cls(t["mean"], t["scale"], t["weight"], float(t["bias"][0]), fusion[0], fusion[1], fusion[2])


def save_hate_tweets(component: HateTweets, model_dir: Path, meta: dict[str, Any]) -> None:
    from safetensors.torch import save_file

    save_file(component.tensors(), str(model_dir / WEIGHTS_FILE))
    (model_dir / META_FILE).write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n")


def load_hate_tweets(model_dir: Path) -> HateTweets | None:
    """The component of ``model_dir``, or None when it has none (the head's hate alone, as before)."""
    path = Path(model_dir) / WEIGHTS_FILE
    if not path.is_file():
        return None
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    from models.network import ModelDirError

    try:
        return HateTweets.from_tensors(load_file(str(path)))
    except (KeyError, IndexError, OSError, ValueError, SafetensorError) as exc:
        raise ModelDirError(f"{path}: unreadable hate-tweet component ({exc})") from None


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


def fit_logistic(x: torch.Tensor, y: torch.Tensor, l2: float, weights: torch.Tensor | None = None,
                 steps: int = 200) -> tuple[torch.Tensor, float]:
    """Weighted L2-regularised logistic regression by L-BFGS (deterministic); ``x`` already standardised."""
    x, y = x.double(), y.double()
    w_s = torch.ones(len(y), dtype=torch.float64) if weights is None else weights.double()
    w_s = w_s / w_s.sum()
    w = torch.zeros(x.shape[1], dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], lr=1.0, max_iter=steps, tolerance_grad=1e-9, tolerance_change=1e-12,
                            history_size=20, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        opt.zero_grad()
        z = x @ w + b
        loss = (w_s * torch.nn.functional.binary_cross_entropy_with_logits(z, y, reduction="none")).sum() \
            + 0.5 * l2 * (w * w).sum()
        loss.backward()
        return loss

    opt.step(closure)
    return w.detach().float(), float(b.detach())


def standardiser(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    return x.mean(0), x.std(0).clamp(min=1e-6)


def balanced_weights(y: torch.Tensor) -> torch.Tensor:
    pos = float(y.sum())
    neg = float(len(y) - pos)
    return torch.where(y > 0.5, len(y) / (2 * max(pos, 1.0)), len(y) / (2 * max(neg, 1.0))).float()


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


def fit_combiner(head: torch.Tensor, component: torch.Tensor, y: torch.Tensor, weights: torch.Tensor
                 ) -> tuple[float, float, float]:
    """The three fusion weights (head, component, offset), a weighted logistic regression on the two logits."""
    w, b = fit_logistic(torch.stack([head, component], 1), y, l2=1e-4, weights=weights)
    return float(w[0]), float(w[1]), b


def act_means(p_pair: torch.Tensor, act: torch.Tensor, acts: int) -> torch.Tensor:
    """Each act's hate probability as the classifier reads it: the mean over its model inputs (0 without any)."""
    total = torch.zeros(acts).index_add_(0, act, p_pair.float())
    count = torch.zeros(acts).index_add_(0, act, torch.ones(len(act)))
    return torch.where(count > 0, total / count.clamp(min=1), torch.zeros(acts))


# --- building -------------------------------------------------------------------------------------------


def encode_tweets(classifier: Any, rows: Sequence[Tweet]) -> dict[str, torch.Tensor]:
    """Head logits, pooled embeddings and labels of tweets read as untargeted posts (as hate_heldout reads them)."""
    _, head, pooled = classifier.encode_pairs([(hate_tweet_text(r), None) for r in rows])
    return {"head": head, "pooled": pooled, "y": torch.tensor([float(r["HS"] == "1") for r in rows])}


def encode_dev_acts(classifier: Any, data_dir: Path | None = None) -> dict[str, torch.Tensor]:
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
    return {"head": head, "pooled": pooled, "act": act_t, "y": torch.tensor(gold)[act_t], "gold": torch.tensor(gold)}

"""The tweet hate component at classification time: its n-gram features, its fusion with the head, its files.

What ``models.infer`` needs of the component built by ``models/hate_tweets.py`` (the training side:
data pool, fitting, ``python -m models.hate_tweets``), kept apart so that classifying never imports the
training and evaluation code.
"""

from __future__ import annotations

import hashlib
import json
import math
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from models.text import tweet_words

WEIGHTS_FILE = "hate_tweets.safetensors"
META_FILE = "hate_tweets.json"

NGRAM_BUCKETS = 2**17


def ngram_counts(text: str) -> Counter[int]:
    """Hashed word unigrams and bigrams and character 2–5-grams inside words, of the tweet's normalised words.

    crc32, not ``hash()``: Python salts string hashes per process, and the buckets must be the same every run.
    """
    words = tweet_words(text).split()
    grams = [f"w:{w}" for w in words] + [f"b:{a} {b}" for a, b in zip(words, words[1:], strict=False)]
    for word in words:
        padded = f" {word} "
        for n in range(2, 6):
            grams.extend(padded[i : i + n] for i in range(max(1, len(padded) - n + 1)))
    return Counter(zlib.crc32(g.encode()) % NGRAM_BUCKETS for g in grams)


def inverse_document_frequency(texts: Sequence[str]) -> torch.Tensor:
    df = torch.zeros(NGRAM_BUCKETS, dtype=torch.float64)
    for text in texts:
        df[list(ngram_counts(text))] += 1
    # Rounded to half precision here, as the file keeps it, so fitting and classifying read the same weights.
    return (torch.log((1 + len(texts)) / (1 + df)) + 1).half().float()


def ngram_matrix(texts: Sequence[str], idf: torch.Tensor) -> torch.Tensor:
    """Sublinear tf-idf rows, each of unit length, as a sparse [n, NGRAM_BUCKETS] matrix."""
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for r, text in enumerate(texts):
        counts = ngram_counts(text)
        keys = list(counts)
        if not keys:
            continue
        v = torch.tensor([1 + math.log(counts[k]) for k in keys], dtype=torch.float64) * idf[keys].double()
        v = v / v.norm().clamp(min=1e-12)
        rows.extend([r] * len(keys))
        cols.extend(keys)
        vals.extend(v.tolist())
    return torch.sparse_coo_tensor(torch.tensor([rows, cols], dtype=torch.long).reshape(2, -1),
                                   torch.tensor(vals, dtype=torch.float64), (len(texts), NGRAM_BUCKETS),
                                   check_invariants=False).coalesce()


def pair_text(first: str, second: str | None) -> str:
    """What the n-gram part reads of a model input: the act's own words, then its context."""
    return f"{first} {second or ''}"


def confident(head_logit: torch.Tensor, at: float) -> torch.Tensor:
    """The part of the head's logit beyond ``±at``: lets a sure head outweigh the tweet readers on the acts."""
    return torch.relu(head_logit - at) - torch.relu(-head_logit - at)


@dataclass
class HateTweets:
    """Two tweet readers (embedding and n-gram logistic regressions) fused with the head's logit."""

    mean: torch.Tensor  # [hidden]
    scale: torch.Tensor  # [hidden]
    weight: torch.Tensor  # [hidden]
    bias: float
    head_coef: float
    component_coef: float
    offset: float
    ngram_weight: torch.Tensor | None = None  # [NGRAM_BUCKETS]
    ngram_bias: float = 0.0
    idf: torch.Tensor | None = None  # [NGRAM_BUCKETS]
    ngram_coef: float = 0.0
    confident_coef: float = 0.0
    confident_at: float = 0.0

    def component_logit(self, pooled: torch.Tensor) -> torch.Tensor:
        return ((pooled.float() - self.mean) / self.scale) @ self.weight + self.bias

    def ngram_logit(self, texts: Sequence[str]) -> torch.Tensor:
        if self.ngram_weight is None or self.idf is None:
            return torch.zeros(len(texts))
        x = ngram_matrix(texts, self.idf)
        return (torch.sparse.mm(x, self.ngram_weight.double().unsqueeze(1)).squeeze(1) + self.ngram_bias).float()

    def fuse(self, head_logit: torch.Tensor, pooled: torch.Tensor, texts: Sequence[str] | None = None
             ) -> torch.Tensor:
        """The fused hate probability [n] from the head's hate logit [n], the pooled embedding [n, hidden] and,
        when the component has an n-gram part, the inputs' texts (``pair_text``)."""
        head_logit = head_logit.float()
        z = self.head_coef * head_logit + self.component_coef * self.component_logit(pooled) + self.offset
        if self.ngram_weight is not None:
            if texts is None or len(texts) != len(head_logit):
                raise ValueError("this hate component reads the inputs' texts too")
            z = z + self.ngram_coef * self.ngram_logit(texts)
        if self.confident_coef:
            z = z + self.confident_coef * confident(head_logit, self.confident_at)
        return torch.sigmoid(z)

    def tensors(self) -> dict[str, torch.Tensor]:
        out = {
            "mean": self.mean.float().contiguous(),
            "scale": self.scale.float().contiguous(),
            "weight": self.weight.float().contiguous(),
            "bias": torch.tensor([self.bias], dtype=torch.float32),
            "fusion": torch.tensor([self.head_coef, self.component_coef, self.offset, self.ngram_coef,
                                    self.confident_coef, self.confident_at], dtype=torch.float32),
        }
        if self.ngram_weight is not None and self.idf is not None:
            # Half precision halves the file (0.5 MB); the logit moves by about 1e-3.
            out["ngram_weight"] = self.ngram_weight.half().contiguous()
            out["ngram_bias"] = torch.tensor([self.ngram_bias], dtype=torch.float32)
            out["idf"] = self.idf.half().contiguous()
        return out

    @classmethod
    def from_tensors(cls, t: dict[str, torch.Tensor]) -> HateTweets:
        fusion = t["fusion"].tolist() + [0.0] * 3
        ngram = "ngram_weight" in t
        return cls(t["mean"], t["scale"], t["weight"], float(t["bias"][0]), fusion[0], fusion[1], fusion[2],
                   ngram_weight=t["ngram_weight"].float() if ngram else None,
                   ngram_bias=float(t["ngram_bias"][0]) if ngram else 0.0,
                   idf=t["idf"].float() if ngram else None,
                   ngram_coef=fusion[3], confident_coef=fusion[4], confident_at=fusion[5])


def save_hate_tweets(component: HateTweets, model_dir: Path, meta: dict[str, Any]) -> None:
    from safetensors.torch import save_file

    save_file(component.tensors(), str(model_dir / WEIGHTS_FILE))
    (model_dir / META_FILE).write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n")


def version_suffix(model_dir: Path) -> str:
    """What the component adds to the model version ("-ht" and its weights' SHA-256, 8 digits; "" without one).

    The component changes the hate probabilities the network alone gives: classifications made with it must
    never be taken for the network's alone, nor for another fit's.
    """
    path = Path(model_dir) / WEIGHTS_FILE
    if not path.is_file():
        return ""
    return "-ht" + hashlib.sha256(path.read_bytes()).hexdigest()[:8]


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

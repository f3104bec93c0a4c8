"""A trained reader of what an act does with the claim it is about: spread it, or not (matcher version 9 on).

The cue rules (``HoaxMatcher.action``) are a lexicon: a warning worded as no rule foresaw ("Kuwi pesen palsu, Pak",
"Tena natojeng inne, suara AI", "Pengurus punguan sudah membantah") falls through to "spreads", and the flag then
accuses the civil servant who warned others. The reader is a logistic regression over

- the cues themselves (of the act's own words and of the post it acts on) and the rules' action,
- the logit of a hashed word/character n-gram regression on the act's own words (with their Indonesian reading when
  regional), fitted on the same pairs (its training rows' logits out of fold, so the stack learns how far to trust it),
- the e5 vectors of the act's own words and of the post it acts on (``query:``), which carry a denial across languages,
- from v10, the own words' vector again where the post acted on is a debunk (its cues say hoax or fact-check), zero
  elsewhere: a reply to a debunk spreads the claim when it rejects the debunk ("katanya 'hoaks' 🙄") and not when it
  agrees ("udh dibantah, jgn panik"); one weight per dimension for every act could not read the same words both ways.

It is fitted on every labelled pair whose act is about its claim (``models.hoax.train_action``), and its threshold
chosen on those pairs decided by fits without their writer. It runs only for acts the match scorer found to be
about a claim, so its encoder calls are few in service. Stored as ``action.safetensors`` (weights) and
``action.json`` (names, biases, threshold, how it was fitted), next to rules.json, which names it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from models.hate_fusion import ngram_matrix
from models.hoax.cues import Cues
from models.hoax.reading import REGIONAL_WORDS
from models.hoax.regional import to_indonesian
from models.text import clean_text, has_visible_text

if TYPE_CHECKING:
    from models.hoax.reading import ActLike

ACTION_FILE = Path(__file__).with_name("action.json")
CUE_NAMES = ("debunk", "factcheck", "negated", "spread", "question", "ridicule", "cites_debunk", "mocks_debunk",
             "words", "echo")
# The stack's columns before the n-gram logit and the two vectors.
COLUMNS = (*(f"own:{n}" for n in CUE_NAMES), *(f"context:{n}" for n in CUE_NAMES), "bare", "rules:spreads",
           "rules:debunks", "rules:asks", "like", "share", "comment")
NO_CONTEXT = "-"
# Every input of the stack in order, as action.json records them: a file recording others was fitted for another
# layout (v9's had no "own_vector_replying_to_debunk") and its weights would be read against the wrong inputs.
STACK_INPUTS = [*COLUMNS, "ngram_logit", "own_vector", "context_vector", "own_vector_replying_to_debunk"]
_CONTEXT_DEBUNK = [COLUMNS.index("context:debunk"), COLUMNS.index("context:factcheck")]


def own_words(act: ActLike) -> str:
    """The words that say what the act does: its own, or the post it passes on when it adds none (a like, a bare
    share does what that post does)."""
    own = clean_text(act.text or "").strip()
    return own if has_visible_text(own) else clean_text(act.context or "").strip()


def ngram_text(act: ActLike) -> str:
    """The act's own words for the n-gram part, with their Indonesian reading when written in a regional language."""
    text = own_words(act)
    indonesian, replaced = to_indonesian(text)
    return f"{text} {indonesian}" if replaced >= REGIONAL_WORDS else text


def context_words(act: ActLike) -> str:
    return clean_text(act.context or "").strip() or NO_CONTEXT


def cue_columns(act: ActLike, own: Cues, context: Cues, action: str) -> list[float]:
    """The stack's first columns (``COLUMNS``): the cues as the rules read them, and the rules' action."""
    bare = not own.words and context.words
    return ([float(getattr(own, n)) for n in CUE_NAMES] + [float(getattr(context, n)) for n in CUE_NAMES]
            + [float(bare), float(action == "spreads"), float(action == "debunks"), float(action == "asks"),
               float(act.kind == "like"), float(act.kind == "share"), float(act.kind == "comment")])


def stack_inputs(columns: torch.Tensor, ngram_logit: torch.Tensor, own_vectors: np.ndarray,
                 context_vectors: np.ndarray) -> torch.Tensor:
    """The stack's inputs: the cue columns, the n-gram logit, the two vectors and the own words' vector of replies to
    a debunk (zero for other acts)."""
    own = torch.as_tensor(own_vectors, dtype=torch.float32)
    replies_to_debunk = (columns[:, _CONTEXT_DEBUNK].float().sum(1, keepdim=True) > 0).float()
    return torch.cat([columns.float(), ngram_logit.float().reshape(-1, 1), own,
                      torch.as_tensor(context_vectors, dtype=torch.float32), own * replies_to_debunk], 1)


@dataclass
class ActionReader:
    """P(the act spreads the claim | it is about the claim). ``threshold``: at or above, it spreads."""

    ngram_weight: torch.Tensor  # [NGRAM_BUCKETS]
    ngram_bias: float
    idf: torch.Tensor  # [NGRAM_BUCKETS]
    mean: torch.Tensor  # the stack's standardisation, [len(COLUMNS) + 1 + 2 × dimension]
    scale: torch.Tensor
    weight: torch.Tensor
    bias: float
    threshold: float = 0.5
    encoder: str = ""  # the version of the encoder whose vectors it was fitted on: only those may be read
    chosen_on: str = ""
    trained_on: dict[str, Any] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)

    def ngram_logit(self, texts: Sequence[str]) -> torch.Tensor:
        x = ngram_matrix(texts, self.idf).float()
        return torch.sparse.mm(x, self.ngram_weight.unsqueeze(1)).squeeze(1) + self.ngram_bias

    def probability(self, columns: torch.Tensor, texts: Sequence[str], own_vectors: np.ndarray,
                    context_vectors: np.ndarray) -> torch.Tensor:
        """For rows of ``cue_columns``, the n-gram texts and the vectors of own words and context."""
        x = stack_inputs(columns, self.ngram_logit(texts), own_vectors, context_vectors)
        return torch.sigmoid(((x - self.mean) / self.scale) @ self.weight + self.bias)

    def spreads(self, act: ActLike, own: Cues, context: Cues, action: str, encoder: Any) -> tuple[bool, float]:
        """Whether ``act`` spreads the claim whose cues are ``own``/``context`` (the rules said ``action``)."""
        from models.hoax.encoder import QUERY

        vectors = encoder.encode([own_words(act) or NO_CONTEXT, context_words(act)], QUERY)
        p = float(self.probability(torch.tensor([cue_columns(act, own, context, action)]), [ngram_text(act)],
                                   vectors[:1], vectors[1:])[0])
        return p >= self.threshold, p

    def record(self) -> dict[str, Any]:
        return {"columns": STACK_INPUTS, "ngram_bias": self.ngram_bias,
                "bias": self.bias, "threshold": self.threshold, "encoder": self.encoder, "chosen_on": self.chosen_on,
                "trained_on": self.trained_on, "figures": self.figures}

    def save(self, path: Path = ACTION_FILE) -> None:
        from safetensors.torch import save_file

        save_file({"ngram_weight": self.ngram_weight.half().contiguous(), "idf": self.idf.half().contiguous(),
                   "mean": self.mean.contiguous(), "scale": self.scale.contiguous(),
                   "weight": self.weight.contiguous()}, str(path.with_suffix(".safetensors")))
        path.write_text(json.dumps(self.record(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = ACTION_FILE) -> ActionReader:
        """The reader of ``path`` (its weights beside it, ``.safetensors``); ValueError naming the file if bad."""
        from safetensors import SafetensorError
        from safetensors.torch import load_file

        weights = path.with_suffix(".safetensors")
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
            if meta.get("columns") != STACK_INPUTS:
                raise ValueError("its record names other stack inputs than this version reads; refit it with `netra "
                                 "hoax train-action`")
            t = load_file(str(weights))
            reader = cls(ngram_weight=t["ngram_weight"].float(), ngram_bias=float(meta["ngram_bias"]),
                         idf=t["idf"].float(), mean=t["mean"].float(), scale=t["scale"].float(),
                         weight=t["weight"].float(), bias=float(meta["bias"]), threshold=float(meta["threshold"]),
                         encoder=str(meta.get("encoder", "")), chosen_on=meta.get("chosen_on", ""),
                         trained_on=meta.get("trained_on", {}), figures=meta.get("figures", {}))
        except (OSError, KeyError, TypeError, ValueError, json.JSONDecodeError, SafetensorError) as exc:
            raise ValueError(f"{path}: unreadable hoax action reader ({exc})") from None
        if reader.weight.shape != reader.mean.shape or reader.weight.shape[0] <= len(COLUMNS) + 1:
            raise ValueError(f"{weights}: the stack's weights do not match its standardisation")
        return reader

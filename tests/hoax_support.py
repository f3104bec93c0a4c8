"""A small deterministic stand-in for the e5 encoder, so hoax tests run without loading the model.

Vectors are hashed character trigrams of the text (the ``query:``/``passage:`` prefix left out), so
near-identical wordings are close and unrelated ones far: enough to test the matcher's logic, the
claim-vector cache and the pipeline. The real encoder is tested in tests/test_hoax_matching.py.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from models.hoax import HoaxRules

DIMENSION = 256


class FakeEncoder:
    def __init__(self, version: str = "fake-trigrams/1") -> None:
        self.version = version
        self.dimension = DIMENSION
        self.calls: list[int] = []

    def encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        self.calls.append(len(texts))
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        for row, text in enumerate(texts):
            padded = f"  {' '.join(text.lower().split())}  "
            for i in range(len(padded) - 2):
                bucket = int.from_bytes(hashlib.blake2b(padded[i:i + 3].encode(), digest_size=4).digest(), "little")
                out[row, bucket % DIMENSION] += 1.0
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
        return out


# Thresholds for trigram vectors (the shipped rules.json is chosen for e5's similarities).
FAKE_RULES = HoaxRules(similarity=0.6, true_margin=0.0, chosen_on="tests")

"""A fixed background of typical fact-check claims, for the matcher's "stands out" comparison only.

How far an act's best false claim stands out from the act's other candidates (``MatchFeatures.distinct``)
assumes a claim store of some size: with a handful of claims the other candidates are unrelated, and every
act on a claim's topic stands out. The background (``claims.txt``, README here) is a few hundred claims of
the kinds Indonesian fact-checkers review, across their usual topics; an act's stand-out margin is measured
against its store candidates *and* its nearest background claims, so a small store behaves like a large one.
Background claims are never matched and never cited.

Their e5 vectors are shipped in ``vectors.npz`` with the encoder version and a digest of the texts, as the
claims' vectors are cached with theirs (``claim_review.embedding_model``); another encoder (the tests' stand-in,
a different e5 build) or edited texts are encoded once per process instead. Encoding the 374 texts takes
1.5 s on a quiet 2-core machine and about 30 s on a busy one (12.8 claims/s, docs/hoax.md), which is why the
vectors are shipped. ``python -m models.hoax.background`` rewrites ``vectors.npz`` after the texts change.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from models.hoax.encoder import PASSAGE

HERE = Path(__file__).resolve().parent
CLAIMS_FILE = HERE / "claims.txt"
VECTORS_FILE = HERE / "vectors.npz"


class Encoder(Protocol):
    version: str

    def encode(self, texts: Sequence[str], prefix: str) -> np.ndarray: ...


def digest(texts: Sequence[str]) -> str:
    """What cached vectors depend on besides the encoder: the texts, in order."""
    return hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()[:16]


class Background:
    """Background claim texts and their passage vectors per encoder version (computed or cached once)."""

    def __init__(self, texts: Sequence[str], cache: Path | None = None) -> None:
        self.texts = [" ".join(t.split()) for t in texts if t.strip()]
        self.digest = digest(self.texts)
        self.cache = cache
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.texts)

    def vectors(self, encoder: Encoder) -> np.ndarray:
        """Normalised passage vectors of the texts as ``encoder`` makes them."""
        with self._lock:
            found = self._vectors.get(encoder.version)
            if found is None:
                found = self._cached(encoder.version)
                if found is None:
                    found = (np.asarray(encoder.encode(self.texts, PASSAGE), dtype=np.float32) if self.texts
                             else np.zeros((0, 1), dtype=np.float32))
                self._vectors[encoder.version] = found
            return found

    def _cached(self, version: str) -> np.ndarray | None:
        if self.cache is None or not self.cache.is_file():
            return None
        with np.load(self.cache, allow_pickle=False) as data:
            if str(data["version"]) != version or str(data["digest"]) != self.digest:
                return None
            vectors = data["vectors"].astype(np.float32)
        return vectors if len(vectors) == len(self.texts) else None

    def write_cache(self, encoder: Encoder, path: Path | None = None) -> Path:
        """Store the vectors of ``encoder`` (float32, as claim vectors are cached) with its version."""
        target = path or self.cache or VECTORS_FILE
        vectors = np.asarray(encoder.encode(self.texts, PASSAGE), dtype="<f4")
        np.savez_compressed(target, vectors=vectors, version=np.array(encoder.version),
                            digest=np.array(self.digest))
        self._vectors[encoder.version] = vectors.astype(np.float32)
        return target


def read_texts(path: Path = CLAIMS_FILE) -> list[str]:
    """One claim a line; blank lines and ``#`` comments are skipped."""
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


@lru_cache(maxsize=1)
def shipped() -> Background:
    """The background shipped with the package (one per process: its vectors are computed or loaded once)."""
    return Background(read_texts(), VECTORS_FILE)


NONE = Background([])  # no background: the stand-out margin over the store's candidates alone


def main() -> None:
    from models.e5_convert import ensure_base
    from models.hoax.encoder import E5Encoder

    encoder = E5Encoder(ensure_base())
    background = Background(read_texts(), VECTORS_FILE)
    path = background.write_cache(encoder)
    print(f"{len(background)} background claims encoded with {encoder.version} → {path}")

"""Candidate claims by cosine similarity: an in-memory numpy index.

The claim vectors are one float32 matrix (384 floats a claim, 1.5 KB); a batch of act vectors is
multiplied with it in chunks and the best ``k`` claims of each act are kept with ``argpartition``.
Exact, and no index structure to build or keep in step with the claims store: building is stacking
the cached vectors. Where it stops is memory and the per-act scan (docs/hoax.md: around 100k
claims); beyond that the vectors belong in the database (pgvector on PostgreSQL).
"""

from __future__ import annotations

import numpy as np

QUERY_CHUNK = 1024  # act vectors per matrix product: bounds the similarity block to chunk × claims floats


class ClaimIndex:
    """Exact top-k cosine search over normalised claim vectors."""

    def __init__(self, vectors: np.ndarray) -> None:
        matrix = np.ascontiguousarray(vectors, dtype=np.float32)
        if matrix.ndim != 2:
            raise ValueError(f"claim vectors must be a matrix, not shape {matrix.shape}")
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        # Cached vectors are stored normalised; normalising again costs little and makes a dot product a cosine.
        self.matrix = matrix / np.maximum(norms, 1e-12)

    def __len__(self) -> int:
        return int(self.matrix.shape[0])

    @property
    def nbytes(self) -> int:
        return int(self.matrix.nbytes)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(claim indices, similarities), each [acts, k'] with k' = min(k, claims), best first."""
        queries = np.asarray(queries, dtype=np.float32)
        n, size = queries.shape[0], len(self)
        k = min(k, size)
        indices = np.zeros((n, k), dtype=np.int64)
        sims = np.zeros((n, k), dtype=np.float32)
        if k == 0 or n == 0:
            return indices, sims
        for start in range(0, n, QUERY_CHUNK):
            block = queries[start:start + QUERY_CHUNK] @ self.matrix.T
            if k < size:
                top = np.argpartition(-block, k - 1, axis=1)[:, :k]
            else:
                top = np.broadcast_to(np.arange(size), block.shape).copy()
            top_sims = np.take_along_axis(block, top, axis=1)
            order = np.argsort(-top_sims, axis=1, kind="stable")
            indices[start:start + len(block)] = np.take_along_axis(top, order, axis=1)
            sims[start:start + len(block)] = np.take_along_axis(top_sims, order, axis=1)
        return indices, sims

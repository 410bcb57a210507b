"""Dense retrieval: passage and question vectors from the gateway's embeddings call, cosine top-k in numpy,
and reciprocal rank fusion with the lexical ranking.

Optional: app.yaml `knowledge.embeddings.model` names a model alias; absent, search is lexical only. The
vectors are made through the gateway (billed to a department and audited like chat, personal information
masked in each input), stored with the chunks, and compared here. Any failure to embed leaves the search
lexical; an official never sees an error for it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from bot.gateway.errors import GatewayError
from bot.gateway.pipeline import Gateway
from bot.gateway.types import GatewayRequest

log = logging.getLogger(__name__)

# The real API allows 2,048 inputs and 8,192 tokens per input (300,000 per request): stay well inside.
BATCH = 64
MAX_INPUT_CHARS = (
    2000  # Korean is about one token per syllable; an article's first 2,000 characters say what it is about
)
RRF_K = 60  # the constant of reciprocal rank fusion (Cormack et al.): rank 1 → 1/61


class Embedder(Protocol):
    """Texts → unit vectors (one row each), or None when they cannot be made now (the caller stays lexical)."""

    model: str

    async def embed(self, texts: Sequence[str]) -> np.ndarray | None: ...


def unit_rows(vectors: np.ndarray | Sequence[Sequence[float]]) -> np.ndarray:
    """float32 rows scaled to length 1 (a zero row stays zero), so a dot product is the cosine."""
    matrix = np.asarray(vectors, dtype=np.float32)
    if matrix.ndim != 2:
        return matrix.reshape(len(vectors), -1)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<f4")


@dataclass
class GatewayEmbedder:
    """Embeddings through the gateway on behalf of one official (or the department paying for indexing)."""

    gateway: Gateway
    model: str  # the app.yaml alias
    department_id: str
    user_id: str
    platform: str = "api"
    purpose: str = "knowledge_embed"

    async def embed(self, texts: Sequence[str]) -> np.ndarray | None:
        rows: list[list[float]] = []
        inputs = [text[:MAX_INPUT_CHARS].strip() or "-" for text in texts]
        for start in range(0, len(inputs), BATCH):
            request = GatewayRequest(
                department_id=self.department_id,
                user_id=self.user_id,
                messages=[],
                model=self.model,
                platform=self.platform,
                purpose=self.purpose,
            )
            try:
                answer = await self.gateway.embed(request, inputs[start : start + BATCH])
            except (GatewayError, ValueError) as error:
                log.warning("knowledge: embeddings unavailable (%s); searching lexically", error)
                return None
            rows += answer.vectors
        if not rows:
            return None
        return unit_rows(rows)


class DenseIndex:
    """Unit vectors of the passages that have one (made with the configured model); cosine top-k."""

    def __init__(self, vectors: Sequence[np.ndarray | None]) -> None:
        self.size = len(vectors)
        dimensions = {v.shape[0] for v in vectors if v is not None}
        # Vectors of another length (a model change half-way) are left out rather than compared.
        width = max(dimensions, key=lambda d: sum(1 for v in vectors if v is not None and v.shape[0] == d), default=0)
        self.present = np.fromiter(
            (v is not None and v.shape[0] == width for v in vectors), dtype=bool, count=self.size
        )
        matrix = np.zeros((self.size, width), dtype=np.float32)
        for position, vector in enumerate(vectors):
            if self.present[position]:
                matrix[position] = vector
        self._matrix = unit_rows(matrix) if width else matrix
        self.width = width

    def __bool__(self) -> bool:
        return bool(self.present.any())

    def rank(self, query: np.ndarray, *, top: int, allowed: np.ndarray | None = None) -> list[tuple[float, int]]:
        """The best `top` (cosine, position) among `allowed` passages that have a vector."""
        if not self or query.shape[0] != self.width:
            return []
        scores = self._matrix @ query.astype(np.float32)
        usable = self.present if allowed is None else self.present & allowed
        scores = np.where(usable, scores, -np.inf)
        count = min(top, int(usable.sum()))
        if count <= 0:
            return []
        best = np.argpartition(-scores, count - 1)[:count]
        ordered = sorted(best.tolist(), key=lambda p: (-scores[p], p))
        return [(float(scores[p]), int(p)) for p in ordered]


def reciprocal_rank_fusion(*rankings: Sequence[int], k: int = RRF_K) -> list[tuple[float, int]]:
    """Positions ranked by Σ 1/(k + rank) over the rankings they appear in (rank from 1); ties by position."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, position in enumerate(ranking, start=1):
            fused[position] = fused.get(position, 0.0) + 1.0 / (k + rank)
    return sorted(((score, position) for position, score in fused.items()), key=lambda item: (-item[0], item[1]))

"""Search over chunks: what text of a passage is indexed, and ranked results with their citations.

Pure: chunks and a tokenizer in, results out (the repository loads chunks; the caller keeps the index).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.knowledge.chunking import Chunk
from bot.knowledge.ranking import LexicalIndex, Thresholds
from bot.knowledge.tokens import Tokenizer


def indexed_text(chunk: Chunk) -> str:
    """The document title and headings are indexed with the body: a query naming the act or the
    article's subject ("이행강제금") should find it. The heading counts twice: it is the article's topic."""
    heading = chunk.heading or ""
    return "\n".join([chunk.document, " ".join(chunk.path), heading, heading, chunk.text])


@dataclass(frozen=True, slots=True)
class Result:
    chunk: Chunk
    collection: str
    score: float
    relevant: bool

    def as_json(self) -> dict:
        return {
            "document": self.chunk.document,
            "article": self.chunk.article,
            "heading": self.chunk.heading,
            "text": self.chunk.text,
            "score": round(self.score, 4),
            "relevant": self.relevant,
            "collection": self.collection,
            "citation": self.chunk.citation,
        }


class ChunkIndex:
    """Chunks of several collections in one BM25 index; a search is limited to the collections asked for."""

    def __init__(self, chunks: Sequence[tuple[str, Chunk, Sequence[str]]]) -> None:
        """`chunks`: (collection name, chunk, its indexed tokens) — tokens are stored at ingestion."""
        self._collections = [collection for collection, _, _ in chunks]
        self._chunks = [chunk for _, chunk, _ in chunks]
        self._lexical = LexicalIndex([tokens for _, _, tokens in chunks])

    def __len__(self) -> int:
        return len(self._chunks)

    def search(
        self,
        query_tokens: Sequence[str],
        collections: Sequence[str],
        *,
        top: int = 5,
        thresholds: Thresholds | None = None,
    ) -> list[Result]:
        wanted = set(collections)
        allowed = np.fromiter((c in wanted for c in self._collections), dtype=bool, count=len(self._collections))
        hits = self._lexical.search(query_tokens, top=top, allowed=allowed, thresholds=thresholds)
        return [Result(self._chunks[h.position], self._collections[h.position], h.score, h.relevant) for h in hits]


def tokenise_chunks(tokenizer: Tokenizer, chunks: Sequence[Chunk]) -> list[list[str]]:
    return tokenizer.many([indexed_text(chunk) for chunk in chunks])

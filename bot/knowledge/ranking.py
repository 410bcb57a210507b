"""BM25 (bm25s) over morpheme tokens, and the decision whether a hit is relevant enough to cite.

A question about something the collection does not hold still shares a few words with some passage,
so the raw BM25 score alone cannot tell "nothing fits". Relevance is judged on the score times the
query's `coverage` (the share of its distinct words the collection knows at all): a question about
건축법 or 점심 메뉴 has many unknown words. The threshold is calibrated on the dev split of
tests/data/law_questions.csv (benchmarks/knowledge_search.py --calibrate). Pure: tokens in, scores out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# Calibrated on the dev split only (benchmarks/knowledge_search.py --calibrate); see README lines in the report.
DEFAULT_MIN_SCORE = 2.0  # smallest grid value reaching the out-of-scope target (0.8) on dev (k1 0.9, b 0.3, coord 1)


@dataclass(frozen=True, slots=True)
class Hit:
    position: int  # index into the chunks the index was built from
    score: float
    coverage: float  # share of the query's distinct tokens the index knows
    relevant: bool


@dataclass(frozen=True, slots=True)
class Thresholds:
    min_score: float = DEFAULT_MIN_SCORE

    def relevant(self, score: float, coverage: float) -> bool:
        return score * coverage >= self.min_score


class LexicalIndex:
    """A BM25 index of tokenised passages. Built once per collection revision; read-only afterwards."""

    coord_power = 1.0

    def __init__(self, documents: Sequence[Sequence[str]]) -> None:
        import bm25s

        self.size = len(documents)
        self._bm25 = bm25s.BM25(k1=0.9, b=0.3)  # tuned on dev: long articles are not penalised as much
        vocabulary: dict[str, int] = {}
        ids = [[vocabulary.setdefault(token, len(vocabulary)) for token in tokens] for tokens in documents]
        self._vocabulary = vocabulary
        self._sets = [frozenset(tokens) for tokens in documents]
        if self.size:
            self._bm25.index(bm25s.tokenization.Tokenized(ids=ids, vocab=vocabulary), show_progress=False)

    def scores(self, query: Sequence[str]) -> np.ndarray:
        known = [token for token in dict.fromkeys(query) if token in self._vocabulary]
        if not self.size or not known:
            return np.zeros(self.size, dtype=np.float32)
        return self._bm25.get_scores(known)

    def search(
        self,
        query: Sequence[str],
        *,
        top: int = 5,
        allowed: np.ndarray | None = None,
        thresholds: Thresholds | None = None,
    ) -> list[Hit]:
        """The best `top` passages among `allowed` (a boolean mask), each marked relevant or not."""
        thresholds = thresholds or Thresholds()
        scores = self.scores(query)
        if allowed is not None:
            scores = np.where(allowed, scores, -1.0)
        wanted = list(dict.fromkeys(query))
        known = [token for token in wanted if token in self._vocabulary]
        coverage = len(known) / len(wanted) if wanted else 0.0
        # Re-rank the best candidates by how many of the query's words each contains ("coord"): a passage
        # with both 정당 and 현수막 beats one that repeats 정당 many times.
        candidates = [int(p) for p in np.argsort(-scores, kind="stable")[: max(top * 10, 50)] if scores[p] > 0]
        ranked: list[tuple[float, int]] = []
        for position in candidates:
            matched = sum(token in self._sets[position] for token in known) / len(known)
            ranked.append((float(scores[position]) * matched**self.coord_power, position))
        ranked.sort(key=lambda item: (-item[0], item[1]))
        hits: list[Hit] = []
        for score, position in ranked[:top]:
            hits.append(Hit(int(position), score, coverage, thresholds.relevant(score, coverage)))
        return hits

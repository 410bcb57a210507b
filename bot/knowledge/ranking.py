"""BM25 (bm25s) over morpheme tokens, and the decision whether a hit is relevant enough to cite.

BM25 scores grow with the query's length, so relevance is judged on the score divided by the query's
best possible share (`coverage`): the part of the query's distinct tokens the passage contains, and the
raw score, both against thresholds calibrated on the dev split of tests/data/law_questions.csv
(benchmarks/knowledge_search.py prints them). Pure: tokens in, scores out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# Calibrated on the dev split only (benchmarks/knowledge_search.py --calibrate); see README lines in the report.
DEFAULT_MIN_SCORE = 7.0
DEFAULT_MIN_COVERAGE = 0.5


@dataclass(frozen=True, slots=True)
class Hit:
    position: int  # index into the chunks the index was built from
    score: float
    coverage: float  # share of the query's distinct known tokens found in the passage
    relevant: bool


@dataclass(frozen=True, slots=True)
class Thresholds:
    min_score: float = DEFAULT_MIN_SCORE
    min_coverage: float = DEFAULT_MIN_COVERAGE

    def relevant(self, score: float, coverage: float) -> bool:
        return score >= self.min_score and coverage >= self.min_coverage


class LexicalIndex:
    """A BM25 index of tokenised passages. Built once per collection revision; read-only afterwards."""

    def __init__(self, documents: Sequence[Sequence[str]]) -> None:
        import bm25s

        self.size = len(documents)
        self._sets = [frozenset(tokens) for tokens in documents]
        self._bm25 = bm25s.BM25(k1=1.2, b=0.75)
        vocabulary: dict[str, int] = {}
        ids = [[vocabulary.setdefault(token, len(vocabulary)) for token in tokens] for tokens in documents]
        self._vocabulary = vocabulary
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
        wanted = [token for token in dict.fromkeys(query)]
        order = np.argsort(-scores, kind="stable")[:top]
        hits: list[Hit] = []
        for position in order:
            score = float(scores[position])
            if score <= 0:
                break
            present = self._sets[position]
            coverage = sum(token in present for token in wanted) / len(wanted) if wanted else 0.0
            hits.append(Hit(int(position), score, coverage, thresholds.relevant(score, coverage)))
        return hits

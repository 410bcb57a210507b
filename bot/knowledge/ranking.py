"""BM25 (bm25s) over three fields of a passage, and the decision whether a hit is relevant enough to cite.

Fields: the passage's content morphemes (with its document title and headings), its article heading
alone (an article's heading names its subject: "이행강제금", "적용 배제"), and the character bigrams of its
compound nouns (so "관용차" meets "관용 차량", "시도당" meets "시ㆍ도당"). Their BM25 scores are added
with weights; passages holding more of the question's words then move up ("coord").

Relevance is not "always the top 5": a question about something the collection does not hold still
shares a few words with some passage. The top score is divided by the score a passage holding every word
of the question would get (each word's IDF; words the collection has never seen count at the highest
IDF): a question about 건축법 or 점심 메뉴 has many such words. That ratio, nudged by the share of the
question's words the top passage holds, says whether anything fits; then every hit scoring at least a
fixed share of the top score is relevant. The boundary and the field weights are chosen on the dev split of tests/data/law_questions.csv only
(benchmarks/knowledge_search.py --calibrate). Pure: tokens in, scores out.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.knowledge.tokens import BIGRAM

HEADING = "^"  # marks a heading token (its own field)


@dataclass(frozen=True, slots=True)
class Weights:
    """How the fields add up; fitted on dev (see the module docstring)."""

    heading: float = 1.0
    bigram: float = 0.5
    coord: float = 1.0  # exponent of the share of the question's words a passage holds
    addenda: float = 0.5  # 부칙 (transitional rules) rarely answer an official's question
    k1: float = 0.9
    b: float = 0.3


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Something fits when ratio + matched_weight·(matched − ½) ≥ min_ratio; then each hit scoring at
    least `share` of the top score is relevant. Calibrated on dev (benchmarks/knowledge_search.py
    --calibrate): the middle of the band of min_ratio that answers ≥ 80 % of dev's out-of-scope questions
    "nothing relevant" while keeping the most in-scope answers."""

    min_ratio: float = 0.08
    matched_weight: float = 0.2
    share: float = 0.3
    # Hybrid search: a passage found by the vectors is relevant (when the question fits at all) if its
    # cosine is at least this share of the best one. Not calibrated: no real embeddings model was at hand.
    dense_share: float = 0.9

    def fits(self, ratio: float, matched: float) -> bool:
        return ratio + self.matched_weight * (matched - 0.5) >= self.min_ratio


@dataclass(frozen=True, slots=True)
class Hit:
    position: int  # index into the chunks the index was built from
    score: float
    relevant: bool


@dataclass(frozen=True, slots=True)
class QueryEvidence:
    """What the relevance decision looks at (also the calibration's features)."""

    ratio: float  # top score / the score of an ideal passage for this question
    matched: float  # share of the question's distinct words the top passage holds


class _Field:
    """One BM25 index (bm25s) over one kind of token, with document frequencies for the ideal score."""

    def __init__(self, documents: Sequence[Sequence[str]], k1: float, b: float) -> None:
        import bm25s

        self.size = len(documents)
        vocabulary: dict[str, int] = {}
        ids = [[vocabulary.setdefault(token, len(vocabulary)) for token in tokens] for tokens in documents]
        self.vocabulary = vocabulary
        self.df = Counter(token for tokens in documents for token in set(tokens))
        self._bm25 = bm25s.BM25(k1=k1, b=b)
        self._empty = not any(documents)
        if self.size and not self._empty:
            self._bm25.index(bm25s.tokenization.Tokenized(ids=ids, vocab=vocabulary), show_progress=False)

    def scores(self, query: Sequence[str]) -> np.ndarray:
        known = [token for token in dict.fromkeys(query) if token in self.vocabulary]
        if self._empty or not known:
            return np.zeros(self.size, dtype=np.float32)
        return self._bm25.get_scores(known)

    def idf(self, token: str) -> float:
        """Lucene's IDF (what bm25s uses); an unseen word gets the highest."""
        df = self.df.get(token, 0)
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    def ideal(self, query: Sequence[str]) -> float:
        if self._empty:  # a field no passage has (no headings) adds nothing to any score
            return 0.0
        return sum(self.idf(token) for token in dict.fromkeys(query))


def split_fields(tokens: Sequence[str]) -> tuple[list[str], list[str], list[str]]:
    """(body, heading, bigram) tokens of a stored token list."""
    body, heading, bigram = [], [], []
    for token in tokens:
        if token.startswith(BIGRAM):
            bigram.append(token)
        elif token.startswith(HEADING):
            heading.append(token[1:])
        else:
            body.append(token)
    return body, heading, bigram


class LexicalIndex:
    """BM25 indexes of tokenised passages. Built once per collection revision; read-only afterwards."""

    def __init__(
        self,
        documents: Sequence[Sequence[str]],
        *,
        addenda: Sequence[bool] | None = None,
        weights: Weights | None = None,
    ) -> None:
        self.weights = weights or Weights()
        self.size = len(documents)
        fields = [split_fields(tokens) for tokens in documents]
        w = self.weights
        self._body = _Field([f[0] for f in fields], w.k1, w.b)
        self._heading = _Field([f[1] for f in fields], w.k1, w.b)
        self._bigram = _Field([f[2] for f in fields], w.k1, w.b)
        self._sets = [frozenset(f[0]) for f in fields]
        prior = np.ones(self.size, dtype=np.float32)
        if addenda is not None:
            prior[np.asarray(addenda, dtype=bool)] = w.addenda
        self._prior = prior

    def scores(self, query: Sequence[str]) -> np.ndarray:
        words = [token for token in query if not token.startswith(BIGRAM)]
        grams = [token for token in query if token.startswith(BIGRAM)]
        w = self.weights
        total = (
            self._body.scores(words) + w.heading * self._heading.scores(words) + w.bigram * self._bigram.scores(grams)
        )
        return total * self._prior

    def ideal(self, query: Sequence[str]) -> float:
        """The score of a passage holding each of the question's words (and heading words) once."""
        words = [token for token in query if not token.startswith(BIGRAM)]
        grams = [token for token in query if token.startswith(BIGRAM)]
        w = self.weights
        return self._body.ideal(words) + w.heading * self._heading.ideal(words) + w.bigram * self._bigram.ideal(grams)

    def rank(
        self, query: Sequence[str], *, top: int = 5, allowed: np.ndarray | None = None
    ) -> tuple[list[tuple[float, int]], QueryEvidence]:
        """The best `top` (score, position) among `allowed` (a boolean mask), and the evidence for relevance."""
        scores = self.scores(query)
        if allowed is not None:
            scores = np.where(allowed, scores, -1.0)
        wanted = [token for token in dict.fromkeys(query) if not token.startswith(BIGRAM)]
        # Re-rank the best candidates by how many of the query's words each contains ("coord"): a passage
        # with both 정당 and 현수막 beats one that repeats 정당 many times.
        candidates = [int(p) for p in np.argsort(-scores, kind="stable")[: max(top * 10, 50)] if scores[p] > 0]
        ranked: list[tuple[float, int]] = []
        shares: dict[int, float] = {}
        for position in candidates:
            share = sum(token in self._sets[position] for token in wanted) / len(wanted) if wanted else 0.0
            shares[position] = share
            ranked.append((float(scores[position]) * share**self.weights.coord, position))
        ranked.sort(key=lambda item: (-item[0], item[1]))
        ranked = ranked[:top]
        if not ranked:
            return [], QueryEvidence(0.0, 0.0)
        best = ranked[0][1]
        ideal = self.ideal(query)
        return ranked, QueryEvidence(float(scores[best]) / ideal if ideal else 0.0, shares[best])

    def search(
        self,
        query: Sequence[str],
        *,
        top: int = 5,
        allowed: np.ndarray | None = None,
        thresholds: Thresholds | None = None,
    ) -> list[Hit]:
        """The best `top` passages among `allowed`, each marked relevant or not."""
        thresholds = thresholds or Thresholds()
        ranked, evidence = self.rank(query, top=top, allowed=allowed)
        fits = bool(ranked) and thresholds.fits(evidence.ratio, evidence.matched)
        floor = ranked[0][0] * thresholds.share if ranked else 0.0
        return [Hit(position, score, fits and score >= floor) for score, position in ranked]

"""BM25 (bm25s) over three fields of a passage, and the decision whether a hit is relevant enough to cite.

Fields: the passage's content morphemes (with its document title and headings), its article heading
alone (an article's heading names its subject: "이행강제금", "적용 배제"), and the character bigrams of its
compound nouns (so "관용차" meets "관용 차량", "시도당" meets "시ㆍ도당"). Their BM25 scores are added
with weights; passages holding more of the question's words then move up ("coord").

Relevance is not "always the top 5": a question about something the collection does not hold still
shares a few words with some passage. What tells them apart is measured per question (QueryEvidence):
the top score against the score a passage holding every word of the question would get (words the
collection has never seen count at the highest IDF), the share of the question's words and of its
compound nouns' bigrams the top passage holds, and the share of those bigrams the collection has never
seen (건축물·주정차·도로점용 questions are about something else). A small logistic model (RelevanceModel)
turns them into a probability that the question fits the collection; it is fitted with cross-validation
on every question set the project has (benchmarks/knowledge_search.py --calibrate prints the fit and the
cross-validated numbers). When it fits, every hit scoring at least a fixed share of the top score is
relevant. Pure: tokens in, scores out.
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
    bigram: float = 1.0
    coord: float = 0.5  # exponent of the share of the question's words a passage holds
    addenda: float = 0.5  # 부칙 (transitional rules) rarely answer an official's question
    # a decree article is preceded by the act article it implements when that scores ≥ this share of it
    act_over_decree: float = 0.8
    k1: float = 0.6  # a word repeated in a long article (현수막 ×4 in 벌칙) saturates sooner
    b: float = 0.75  # BM25's usual length normalisation: long articles (정의, 벌칙) no longer win by size


@dataclass(frozen=True, slots=True)
class QueryEvidence:
    """What the relevance decision looks at, measured on the question and its top passage."""

    ratio: float = 0.0  # top score / the score of an ideal passage for this question
    matched: float = 0.0  # share of the question's distinct words the top passage holds
    grams_matched: float = 0.0  # share of the question's compound-noun bigrams the top passage holds
    grams_unseen: float = 0.0  # share of those bigrams no passage of the collection holds
    unseen_weight: float = 0.0  # share of the question's word IDF mass on words the collection never saw

    def features(self, names: Sequence[str]) -> list[float]:
        return [float(getattr(self, name)) for name in names]


@dataclass(frozen=True, slots=True)
class RelevanceModel:
    """Logistic regression over standardised QueryEvidence features: P(the question fits the collection).
    The numbers are printed by benchmarks/knowledge_search.py --calibrate (scikit-learn fit); kept here so
    a search needs no model file."""

    names: tuple[str, ...] = ("grams_matched", "grams_unseen")
    mean: tuple[float, ...] = (0.0, 0.0)
    scale: tuple[float, ...] = (1.0, 1.0)
    coef: tuple[float, ...] = (0.0, 0.0)
    intercept: float = 0.0

    def probability(self, evidence: QueryEvidence) -> float:
        z = self.intercept + sum(
            c * (x - m) / s
            for c, x, m, s in zip(self.coef, evidence.features(self.names), self.mean, self.scale, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-z))


# benchmarks/knowledge_search.py --calibrate on the 197 questions of dev, heldout and heldout2 (165 in scope, 32 not)
FITTED = RelevanceModel(
    names=("grams_matched", "grams_unseen"),
    mean=(0.7217, 0.1311),
    scale=(0.2472, 0.1849),
    coef=(1.7844, -0.7023),
    intercept=1.3705,
)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Something fits when the relevance model's probability is at least `min_probability` (and the top
    score is at least `min_ratio` of the ideal one: an office may demand more in app.yaml); then each hit
    scoring at least `share` of the top score is relevant."""

    # the middle of the band of boundaries reaching 80 % "nothing relevant" out of scope with the best recall
    # (leave-one-out over the tuned questions: benchmarks/knowledge_search.py --calibrate)
    min_probability: float = 0.375
    min_ratio: float = 0.0
    share: float = 0.3
    model: RelevanceModel = FITTED
    # Hybrid search: a passage found by the vectors is relevant (when the question fits at all) if its
    # cosine is at least this share of the best one. Not calibrated: no real embeddings model was at hand.
    dense_share: float = 0.9
    # A question whose topic terms belong to an act the collections lack (app.yaml knowledge.other_acts:
    # 위반건축물 → 건축법) fits only with this much stronger evidence: sharing 이행강제금 with 옥외광고물법 is
    # not enough. Chosen on the tuned sets (benchmarks/knowledge_search.py --calibrate-elsewhere).
    elsewhere_probability: float = 0.85

    def fits(self, evidence: QueryEvidence, *, elsewhere: bool = False) -> bool:
        """Whether the question fits; `elsewhere`: its topic points to an act the collections do not hold."""
        floor = max(self.min_probability, self.elsewhere_probability) if elsewhere else self.min_probability
        return evidence.ratio >= self.min_ratio and self.model.probability(evidence) >= floor


@dataclass(frozen=True, slots=True)
class Hit:
    position: int  # index into the chunks the index was built from
    score: float
    relevant: bool


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
        self._gram_sets = [frozenset(f[2]) for f in fields]
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
            return [], QueryEvidence()
        best = ranked[0][1]
        return ranked, self._evidence(query, float(scores[best]), shares[best], best)

    def _evidence(self, query: Sequence[str], top_score: float, matched: float, best: int) -> QueryEvidence:
        words = [token for token in dict.fromkeys(query) if not token.startswith(BIGRAM)]
        grams = [token for token in dict.fromkeys(query) if token.startswith(BIGRAM)]
        ideal = self.ideal(query)
        weights = [self._body.idf(word) for word in words]
        unseen = sum(w for word, w in zip(words, weights, strict=True) if word not in self._body.vocabulary)
        if grams:
            grams_matched = sum(g in self._gram_sets[best] for g in grams) / len(grams)
            grams_unseen = sum(g not in self._bigram.vocabulary for g in grams) / len(grams)
        else:  # no compound noun of two syllables ("KTX 되나"): its words stand in for the bigrams
            grams_matched = matched
            grams_unseen = sum(word not in self._body.vocabulary for word in words) / len(words) if words else 1.0
        return QueryEvidence(
            ratio=top_score / ideal if ideal else 0.0,
            matched=matched,
            grams_matched=grams_matched,
            grams_unseen=grams_unseen,
            unseen_weight=unseen / sum(weights) if weights else 0.0,
        )

    def search(
        self,
        query: Sequence[str],
        *,
        top: int = 5,
        allowed: np.ndarray | None = None,
        thresholds: Thresholds | None = None,
        elsewhere: bool = False,
    ) -> list[Hit]:
        """The best `top` passages among `allowed`, each marked relevant or not (`elsewhere`: see Thresholds)."""
        thresholds = thresholds or Thresholds()
        ranked, evidence = self.rank(query, top=top, allowed=allowed)
        fits = bool(ranked) and thresholds.fits(evidence, elsewhere=elsewhere)
        floor = ranked[0][0] * thresholds.share if ranked else 0.0
        return [Hit(position, score, fits and score >= floor) for score, position in ranked]

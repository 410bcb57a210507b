"""Search over chunks: what text of a passage is indexed, and ranked results with their citations.

Pure: chunks and a tokenizer in, results out (the repository loads chunks; the caller keeps the index).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.knowledge.acts import unknown_acts
from bot.knowledge.chunking import ADDENDA, Chunk
from bot.knowledge.dense import DenseIndex, reciprocal_rank_fusion
from bot.knowledge.ranking import HEADING, Hit, LexicalIndex, QueryEvidence, Thresholds, Weights
from bot.knowledge.tokens import BIGRAM, Tokenizer
from bot.knowledge.topics import not_held

# "법 제8조제1항제8호" in an enforcement decree points at its act's article
_ACT_REFERENCE = re.compile(r"(?<![가-힣])법\s*(제\d+조(?:의\d+)?)(?![의\d])")
DECREE_SUFFIX = " 시행령"


def decree_references(chunks: Sequence[Chunk]) -> dict[tuple[str, str], list[int]]:
    """(act title, article) → positions of decree articles that implement it ("법 제8조…에 따른")."""
    references: dict[tuple[str, str], list[int]] = defaultdict(list)
    for position, chunk in enumerate(chunks):
        if not chunk.article or not chunk.document.endswith(DECREE_SUFFIX):
            continue
        act = chunk.document[: -len(DECREE_SUFFIX)]
        for article in dict.fromkeys(_ACT_REFERENCE.findall(chunk.text)):
            references[(act, article)].append(position)
    return references


def implemented_articles(chunks: Sequence[Chunk], references: dict[tuple[str, str], list[int]]) -> dict[int, list[int]]:
    """Decree article position → positions of the act articles it implements (the reverse of
    decree_references, limited to act articles that are among `chunks`)."""
    where = {(chunk.document, chunk.article): position for position, chunk in enumerate(chunks) if chunk.article}
    implemented: dict[int, list[int]] = defaultdict(list)
    for key, decrees in references.items():
        if key in where:
            for decree in decrees:
                implemented[decree].append(where[key])
    return dict(implemented)


def acts_before_decrees(hits: Sequence[Hit], implemented: dict[int, list[int]], share: float) -> list[Hit]:
    """The hits with each decree article preceded by the act article it implements, when that act article
    is also a hit scoring at least `share` of the decree's score. The act is where the power and the duty
    are (what an official cites); its decree adds the details, and often scores a little higher only
    because it repeats the act's words with more of them ("자율관리구역의 지정 등" vs "자율관리구역")."""
    by_position = {hit.position: hit for hit in hits}
    ordered: list[Hit] = []
    placed: set[int] = set()
    for hit in hits:
        if hit.position in placed:
            continue
        acts = [
            p
            for p in implemented.get(hit.position, [])
            if p in by_position and p not in placed and by_position[p].score >= share * hit.score
        ]
        if acts:
            best = max(acts, key=lambda p: by_position[p].score)
            ordered.append(by_position[best])
            placed.add(best)
        ordered.append(hit)
        placed.add(hit.position)
    return ordered


def indexed_text(chunk: Chunk) -> str:
    """The document title and headings are indexed with the body: a query naming the act or the
    article's subject ("이행강제금") should find it (the heading also has a field of its own)."""
    return "\n".join([chunk.document, " ".join(chunk.path), chunk.heading or "", chunk.text])


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

    def __init__(
        self,
        chunks: Sequence[tuple[str, Chunk, Sequence[str]]],
        weights: Weights | None = None,
        vectors: Sequence[np.ndarray | None] | None = None,
    ) -> None:
        """`chunks`: (collection name, chunk, its indexed tokens) — tokens are stored at ingestion;
        `vectors`: each chunk's embedding (None where it has none), for hybrid search."""
        self._collections = [collection for collection, _, _ in chunks]
        self._chunks = [chunk for _, chunk, _ in chunks]
        self._lexical = LexicalIndex(
            [tokens for _, _, tokens in chunks],
            addenda=[chunk.article is None and ADDENDA in chunk.path for chunk in self._chunks],
            weights=weights,
        )
        self._implementing = decree_references(self._chunks)
        self._implemented = implemented_articles(self._chunks, self._implementing)
        self._titles: dict[str, set[str]] = defaultdict(set)
        for collection, chunk in zip(self._collections, self._chunks, strict=True):
            self._titles[collection].add(chunk.document)
        self._dense = DenseIndex(vectors) if vectors is not None else None

    @property
    def hybrid(self) -> bool:
        """True when some passage has a vector (a question vector can then be used)."""
        return bool(self._dense)

    def __len__(self) -> int:
        return len(self._chunks)

    def search(
        self,
        query_tokens: Sequence[str],
        collections: Sequence[str],
        *,
        top: int = 5,
        thresholds: Thresholds | None = None,
        query_vector: np.ndarray | None = None,
        acts: Sequence[str] = (),
        topics: Sequence[str] = (),
    ) -> list[Result]:
        """The best `top` passages of `collections`; with `query_vector` (and stored vectors), the lexical
        and the dense rankings fused by reciprocal rank fusion. `acts`: the act names the question mentions
        (bot/knowledge/acts.named_acts, aliases already mapped to titles); when the collections hold none
        of them, nothing is relevant (a question about 건축법 must not be answered from 옥외광고물법). `topics`: the
        acts its topic terms belong to (bot/knowledge/topics.TopicMap); when the collections lack one of them,
        the question fits only on strong evidence (Thresholds.elsewhere_probability)."""
        wanted = set(collections)
        allowed = np.fromiter((c in wanted for c in self._collections), dtype=bool, count=len(self._collections))
        depth = max(top * 10, 50)
        elsewhere = bool(self.elsewhere(topics, collections))
        if query_vector is None or not self._dense:
            hits = self._lexical.search(
                query_tokens, top=depth, allowed=allowed, thresholds=thresholds, elsewhere=elsewhere
            )
            hits = acts_before_decrees(hits, self._implemented, self._lexical.weights.act_over_decree)
        else:
            hits = self._fused(query_tokens, query_vector, allowed, depth, thresholds or Thresholds(), elsewhere)
        if acts:
            titles = set().union(*(self._titles.get(c, set()) for c in wanted))
            if len(unknown_acts(acts, titles)) == len(acts):
                hits = [Hit(hit.position, hit.score, False) for hit in hits]
        return self._with_decrees(hits, allowed, top)

    def elsewhere(self, topics: Sequence[str], collections: Sequence[str]) -> list[str]:
        """The `topics` acts that none of `collections` holds (the acts to name in a "look there" hint)."""
        if not topics:
            return []
        titles = set().union(*(self._titles.get(c, set()) for c in set(collections)))
        return not_held(topics, titles)

    def evidence(self, query_tokens: Sequence[str], collections: Sequence[str]) -> QueryEvidence:
        """What the relevance decision sees for this question in `collections` (calibration reads it)."""
        wanted = set(collections)
        allowed = np.fromiter((c in wanted for c in self._collections), dtype=bool, count=len(self._collections))
        return self._lexical.rank(query_tokens, top=1, allowed=allowed)[1]

    def _fused(
        self,
        query_tokens: Sequence[str],
        query_vector: np.ndarray,
        allowed: np.ndarray,
        depth: int,
        t: Thresholds,
        elsewhere: bool = False,
    ) -> list[Hit]:
        """Lexical and dense rankings fused (RRF). Whether anything fits is still the lexical evidence (it is
        calibrated); a passage is then relevant when either ranking holds it near its own best."""
        assert self._dense is not None
        lexical, evidence = self._lexical.rank(query_tokens, top=depth, allowed=allowed)
        dense = self._dense.rank(query_vector, top=depth, allowed=allowed)
        fits = bool(lexical) and t.fits(evidence, elsewhere=elsewhere)
        lexical_score = {position: score for score, position in lexical}
        cosine = {position: score for score, position in dense}
        floor = lexical[0][0] * t.share if lexical else float("inf")
        best_cosine = dense[0][0] if dense else float("inf")

        def relevant(position: int) -> bool:
            near_lexical = lexical_score.get(position, -1.0) >= floor
            near_dense = position in cosine and cosine[position] >= best_cosine * t.dense_share
            return fits and (near_lexical or near_dense)

        fused = reciprocal_rank_fusion([p for _, p in lexical], [p for _, p in dense])
        hits = [Hit(position, score, relevant(position)) for score, position in fused]
        return sorted(hits, key=lambda hit: not hit.relevant)  # stable: cited passages first, fused order kept

    def _with_decrees(self, hits: Sequence[Hit], allowed: np.ndarray, top: int) -> list[Result]:
        """The top hits, each relevant act article followed by the decree article that implements it and
        matches the question best (its details: sizes, periods, places) — the decree rarely repeats the
        act's words, so it would not be found on its own."""
        score_of = {h.position: h for h in hits}
        chosen: list[Result] = []
        taken: set[int] = set()
        for hit in hits:
            if len(chosen) >= top:
                break
            if hit.position in taken:
                continue
            chunk = self._chunks[hit.position]
            chosen.append(Result(chunk, self._collections[hit.position], hit.score, hit.relevant))
            taken.add(hit.position)
            if not hit.relevant or chunk.article is None:
                continue
            candidates = [
                p
                for p in self._implementing.get((chunk.document, chunk.article), [])
                if allowed[p] and p not in taken and p in score_of
            ]
            if candidates and len(chosen) < top:
                best = max(candidates, key=lambda p: score_of[p].score)
                chosen.append(Result(self._chunks[best], self._collections[best], score_of[best].score, True))
                taken.add(best)
        return chosen


def tokenise_chunks(tokenizer: Tokenizer, chunks: Sequence[Chunk]) -> list[list[str]]:
    """Stored tokens of each chunk: body morphemes and bigrams, then its heading's morphemes (HEADING-marked)."""
    bodies = tokenizer.many([indexed_text(chunk) for chunk in chunks])
    headings = tokenizer.many([(chunk.heading or "") if chunk.heading != ADDENDA else "" for chunk in chunks])
    return [
        body + [HEADING + token for token in heading if not token.startswith(BIGRAM)]
        for body, heading in zip(bodies, headings, strict=True)
    ]

"""Hybrid retrieval's pure parts: unit vectors, cosine top-k among allowed passages, reciprocal rank fusion,
and the fused search bringing a passage the words miss (relevance still decided by the lexical evidence)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from bot.knowledge.chunking import Chunk
from bot.knowledge.dense import DenseIndex, from_bytes, reciprocal_rank_fusion, to_bytes, unit_rows
from bot.knowledge.ranking import Thresholds
from bot.knowledge.search import ChunkIndex

ACT = "옥외광고물 등의 관리와 옥외광고산업 진흥에 관한 법률"


def test_vectors_round_trip_as_bytes_and_rows_become_unit_length():
    rows = unit_rows([[3.0, 4.0], [0.0, 0.0]])
    assert np.allclose(rows[0], [0.6, 0.8]) and np.allclose(rows[1], [0.0, 0.0])
    assert np.array_equal(from_bytes(to_bytes(rows[0])), rows[0])


def test_cosine_top_k_skips_passages_without_vectors_or_not_allowed():
    index = DenseIndex([np.array([1.0, 0.0]), None, np.array([0.0, 1.0]), np.array([0.7, 0.7])])
    query = unit_rows([[1.0, 0.1]])[0]
    assert [p for _, p in index.rank(query, top=3)] == [0, 3, 2]
    assert [p for _, p in index.rank(query, top=3, allowed=np.array([False, True, True, True]))] == [3, 2]
    assert index.rank(np.array([1.0, 0.0, 0.0]), top=3) == []  # another model's width: nothing, not an error


def test_reciprocal_rank_fusion_rewards_agreement():
    fused = reciprocal_rank_fusion([1, 2, 3], [3, 1, 4])
    assert [p for _, p in fused] == [1, 3, 2, 4]
    assert fused[0][0] == 1 / 61 + 1 / 62


@given(st.lists(st.lists(st.integers(0, 30), unique=True, max_size=12), max_size=4))
def test_fusion_keeps_every_ranked_position_once_with_descending_scores(rankings):
    fused = reciprocal_rank_fusion(*rankings)
    assert sorted(p for _, p in fused) == sorted({p for ranking in rankings for p in ranking})
    scores = [s for s, _ in fused]
    assert scores == sorted(scores, reverse=True)


def test_fused_search_brings_the_passage_only_the_vectors_find():
    chunks = [
        ("c", Chunk(ACT, "정당 현수막은 허가 없이 표시한다.", 0, "제8조"), ["정당", "현수막", "허가", "표시"]),
        ("c", Chunk(ACT, "과태료를 부과한다.", 1, "제20조"), ["과태료", "부과"]),
        ("c", Chunk(ACT, "광고물의 표시 기간은 15일로 한다.", 2, "제9조"), ["광고물", "표시", "기간"]),
    ]
    vectors = [np.array([0.2, 1.0]), np.array([1.0, 0.0]), np.array([0.0, 1.0])]
    index = ChunkIndex(chunks, vectors=vectors)
    query = ["정당", "현수막"]
    lexical = index.search(query, ["c"], thresholds=Thresholds(min_ratio=0.1))
    hybrid = index.search(query, ["c"], thresholds=Thresholds(min_ratio=0.1), query_vector=unit_rows([[0.0, 1.0]])[0])
    assert index.hybrid
    assert [r.chunk.article for r in lexical if r.relevant] == ["제8조"]
    cited = [r.chunk.article for r in hybrid if r.relevant]
    assert cited[:2] == ["제8조", "제9조"] and "제20조" not in cited  # 제9조 came from the vectors alone
    unrelated = index.search(
        ["건축법", "이행강제금"], ["c"], thresholds=Thresholds(min_ratio=0.3), query_vector=unit_rows([[0.0, 1.0]])[0]
    )
    assert not any(r.relevant for r in unrelated)  # the vectors never make an out-of-scope question fit

"""Which act governs a question's topic (knowledge.other_acts), and what the search does with it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.config import Knowledge
from bot.knowledge.chunking import Chunk
from bot.knowledge.ranking import Thresholds
from bot.knowledge.search import ChunkIndex
from bot.knowledge.service import SearchOutcome
from bot.knowledge.topics import TopicMap, not_held

OTHER_ACTS = {
    "공직선거법": ["선거운동", "예비후보자"],
    "건축법": ["위반건축물", "건축허가"],
    "주차장법": ["주차장", "노상주차장"],
    "국민건강증진법": ["금연"],
    "정당법": ["당원", "창당"],
}
ACT = "옥외광고물 등의 관리와 옥외광고산업 진흥에 관한 법률"


def test_terms_are_found_with_spaces_ignored_and_acts_ordered_by_how_many_terms_match() -> None:
    topics = TopicMap(OTHER_ACTS)
    assert topics.acts("선거 운동 기간에 예비후보자 현수막 몇 장까지 되나") == ["공직선거법"]
    assert topics.acts("노상주차장 옆 위반건축물에 건축허가 취소되나") == ["건축법", "주차장법"]
    assert topics.acts("정당 현수막 관리·감독할 때 참고할 법령") == []


def test_a_term_must_start_where_a_word_starts() -> None:
    topics = TopicMap(OTHER_ACTS)
    # "후원금 연간" holds 금연 only across a word boundary
    assert topics.acts("국회의원 후원금 연간 한도") == []
    assert topics.acts("금연 구역 표지판") == ["국민건강증진법"]


def test_a_term_inside_a_longer_matched_term_counts_for_the_longer_one_only() -> None:
    topics = TopicMap({"주차장법": ["노상주차장"], "가상법": ["주차장"]})
    assert topics.acts("노상주차장 요금") == ["주차장법"]


def test_acts_the_collections_hold_are_never_hinted_even_by_abbreviation() -> None:
    titles = ["정당법", ACT, "민원 처리에 관한 법률"]
    assert not_held(["정당법", "공직선거법", "옥외광고물법", "민원처리법"], titles) == ["공직선거법"]
    assert not_held(["민원 처리에 관한 법률"], ["민원처리법"]) == []


def test_an_empty_map_finds_nothing() -> None:
    assert TopicMap({}).acts("선거운동 기간") == []


@given(st.text(alphabet="선거운동예비후보자 건축허가위반물주차장노상금연가나다", max_size=30))
def test_every_act_found_has_a_term_in_the_question(text: str) -> None:
    squashed = "".join(text.split())
    for act in TopicMap(OTHER_ACTS).acts(text):
        assert any(term in squashed for term in OTHER_ACTS[act])


def test_config_rejects_a_term_listed_for_two_acts_and_a_one_character_term() -> None:
    with pytest.raises(ValidationError, match="both"):
        Knowledge(other_acts={"건축법": ["건축 허가"], "국토계획법": ["건축허가"]})
    with pytest.raises(ValidationError, match="shorter"):
        Knowledge(other_acts={"도로법": ["길"]})
    assert Knowledge(other_acts=OTHER_ACTS).other_acts == OTHER_ACTS


def _index() -> ChunkIndex:
    chunks = [
        (
            "c",
            Chunk(ACT, "이행강제금을 부과한다. 광고물 위반", 0, "제10조의3"),
            ["이행강제금", "부과", "광고물", "위반"],
        ),
        ("c", Chunk(ACT, "정당 현수막은 허가 없이 표시한다.", 1, "제8조"), ["정당", "현수막", "허가", "표시"]),
        ("p", Chunk("정당법", "당원은 정당에 가입한다.", 0, "제23조"), ["당원", "정당", "가입"]),
    ]
    return ChunkIndex(chunks)


def test_a_topic_of_an_act_not_held_needs_strong_evidence_and_its_act_is_named() -> None:
    index = _index()
    tokens = ["이행강제금", "부과"]  # every word of the question is in 옥외광고물법's article
    plain = index.search(tokens, ["c"], thresholds=Thresholds())
    strict = index.search(tokens, ["c"], thresholds=Thresholds(elsewhere_probability=1.0), topics=["건축법"])
    assert any(r.relevant for r in plain)
    assert not any(r.relevant for r in strict)
    assert index.elsewhere(["건축법"], ["c"]) == ["건축법"]


def test_a_topic_of_an_act_the_searched_collections_hold_changes_nothing() -> None:
    index = _index()
    strict = Thresholds(elsewhere_probability=1.0)
    assert index.elsewhere(["정당법"], ["p"]) == []
    held = index.search(["당원", "가입"], ["p"], thresholds=strict, topics=["정당법"])
    assert [r.chunk.document for r in held if r.relevant] == ["정당법"]
    # the same act is "elsewhere" for a search that does not include its collection
    assert index.elsewhere(["정당법"], ["c"]) == ["정당법"]


def test_the_json_keeps_the_documented_fields_and_adds_the_hint_in_both_languages() -> None:
    payload = SearchOutcome([], ["법령"], ["공직선거법"]).as_json()
    assert payload["results"] == [] and payload["collections"] == ["법령"]
    assert payload["elsewhere"] == ["공직선거법"]
    assert payload["hint"]["ko"].startswith("이 질문은 「공직선거법」 소관일 수 있습니다")
    assert "「공직선거법」" in payload["hint"]["en"] and "not in the collections searched" in payload["hint"]["en"]
    assert SearchOutcome([], ["법령"]).as_json()["hint"] is None

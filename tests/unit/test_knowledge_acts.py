"""Act names in a question: which acts it names, and whether the loaded statutes are those acts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.knowledge.acts import is_abbreviation, named_acts, unknown_acts
from bot.knowledge.tokens import Thesaurus

TITLES = [
    "옥외광고물 등의 관리와 옥외광고산업 진흥에 관한 법률",
    "옥외광고물 등의 관리와 옥외광고산업 진흥에 관한 법률 시행령",
    "민원 처리에 관한 법률",
    "정당법",
    "공무원여비규정",
]


def test_acts_named_with_particles_and_brackets_are_found_in_order() -> None:
    question = "민원인이 음료수 사왔는데 청탁금지법상 받아도 되나? 「건축법」에서 이행강제금은 도로교통법으로"
    assert named_acts(question) == ["청탁금지법", "건축법", "도로교통법"]


def test_words_ending_in_beop_that_are_no_act_are_ignored() -> None:
    question = "엑셀 vlookup 쓰는법, 불법 간판 처리 방법, 복합민원 근거법 뭐야 관련법 사용법"
    assert named_acts(question) == []


def test_abbreviations_of_loaded_titles_are_held_and_other_acts_are_not() -> None:
    assert unknown_acts(["민원처리법", "정당법", "옥외광고물법"], TITLES) == []
    assert unknown_acts(["건축법", "정보공개법", "정치자금법", "개인정보보호법"], TITLES) == [
        "건축법",
        "정보공개법",
        "정치자금법",
        "개인정보보호법",
    ]


def test_the_thesaurus_maps_an_alias_to_its_title_before_comparing() -> None:
    thesaurus = Thesaurus({"옥외광고물 등의 관리와 옥외광고산업 진흥에 관한 법률": ["광고물법"]})
    assert thesaurus.acts("광고물법상 현수막 규정") == ["옥외광고물 등의 관리와 옥외광고산업 진흥에 관한 법률"]
    assert unknown_acts(thesaurus.acts("광고물법상 현수막 규정"), TITLES) == []


@given(st.text(alphabet="가나다라법률 상에은을의?,.「」", max_size=40))
def test_every_name_found_ends_in_beop_and_is_written_in_the_question(text: str) -> None:
    unbracketed = text.replace("「", "").replace("」", "")
    for name in named_acts(text):
        assert name.endswith("법") and len(name) >= 3 and name in unbracketed


@given(st.sampled_from(TITLES))
def test_a_title_always_abbreviates_itself(title: str) -> None:
    assert is_abbreviation(title, title)
    assert is_abbreviation(title.replace(" ", ""), title)

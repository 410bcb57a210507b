"""Query tokens: words of asking make no bigrams, and app.yaml's office thesaurus turns the words officials
type into the statutes' words."""

from __future__ import annotations

from pathlib import Path

from assistants.skills.registry import load_office_config
from bot.knowledge.tokens import BIGRAM, Thesaurus, Tokenizer

APP_YAML = Path(__file__).resolve().parents[2] / "app.yaml"


def test_words_of_asking_are_no_query_words_and_make_no_bigrams():
    tokens = Tokenizer().tokens("정당 현수막 근거 조항이 뭐야? 관련 규정 알려줘", query=True)
    assert "정당" in tokens and "현수막" in tokens and "~현수" in tokens
    assert not {"근거", "조항", "규정", "~근거", "~조항", "~규정"} & set(tokens)


def test_passages_keep_the_words_a_query_drops():
    tokens = Tokenizer().tokens("이 규정에 따른 근거")
    assert "규정" in tokens and f"{BIGRAM}규정" in tokens


def test_the_office_thesaurus_in_app_yaml_maps_office_words_to_statute_words():
    thesaurus = Thesaurus(load_office_config(APP_YAML).knowledge.merged_thesaurus())
    assert "어린이 보호구역" in thesaurus.rewrite("스쿨존에 당 현수막 걸려도 돼?")
    assert "근무지내 출장" in thesaurus.rewrite("관내 출장 4시간 미만 여비")
    assert "이전비" in thesaurus.rewrite("발령나서 이사비용 나오나")
    assert "국외" in thesaurus.rewrite("해외 출장 준비금")
    assert "다수인관련민원" in thesaurus.rewrite("집단민원 처리 절차")
    assert thesaurus.rewrite("옥외광고물 표시").replace(",", " ").split() == ["옥외광고물", "표시"]  # kept as it is


def test_a_rewritten_phrase_does_not_run_into_the_next_word():
    # "공무원이 아닌 자 여비" read as "…자이여 비": the rewrite ends in a separator, so 여비 stays a word
    tokenizer = Tokenizer(Thesaurus({"공무원이 아닌 자": ["민간위원"]}))
    tokens = tokenizer.tokens("위원회 민간위원 여비 줄 수 있는 근거", query=True)
    assert "여비" in tokens and "공무원" in tokens and "민간" not in tokens


def test_office_words_reach_the_statute_articles_tokens():
    tokenizer = Tokenizer(Thesaurus(load_office_config(APP_YAML).knowledge.merged_thesaurus()))
    tokens = tokenizer.tokens("비행기로 출장갈때 항공료 기준", query=True)
    assert {"항공", "운임", f"{BIGRAM}운임"} <= set(tokens)  # 항공료 → 항공운임
    assert "여비" in tokenizer.tokens("출장비 얼마", query=True)

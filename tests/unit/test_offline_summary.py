"""The offline engine's extractive summary: verbatim sentences, original order, Korean-aware."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.offline.engine import offline_answer, text_to_summarise
from bot.offline.summarise import simple_tokens, split_sentences, summarise

NOTICE = (
    "한빛구는 12월부터 전동킥보드 주차 질서 확립 대책을 시행한다. 어린이보호구역과 버스정류장 주변에 방치된 전동킥보드는 즉시 견인된다. "
    "구청 앞 광장에서는 지난달 음악회가 열렸다. 견인된 전동킥보드는 업체가 견인료를 내야 찾아갈 수 있다. "
    "구는 전동킥보드 전용 주차구역도 40곳 늘린다."
)


def test_summary_prefers_sentences_about_the_main_subject():
    chosen = summarise(NOTICE, max_sentences=3)
    assert len(chosen) == 3
    assert "음악회" not in " ".join(chosen)
    assert chosen[0].startswith("한빛구는 12월부터")


def test_particles_are_stripped_so_word_forms_meet():
    assert simple_tokens("전동킥보드는 전동킥보드를 전동킥보드의") == ["전동킥보드"] * 3


sentence = st.text(alphabet=st.sampled_from("가나다라마바사킥보드민원견인 "), min_size=3, max_size=20).map(
    lambda s: s.strip() + "다."
)


@given(st.lists(sentence, min_size=1, max_size=12), st.integers(1, 5))
def test_summary_is_a_subsequence_of_the_sentences(sentences, k):
    text = " ".join(sentences)
    found = split_sentences(text)
    chosen = summarise(text, max_sentences=k)
    assert len(chosen) == min(k, len(found))
    remaining = iter(found)
    assert all(any(s == f for f in remaining) for s in chosen)  # a subsequence, in the original order


def test_offline_answer_only_summarises_when_asked_with_text():
    assert text_to_summarise("다음 글을 요약해줘\n" + NOTICE) == NOTICE
    assert text_to_summarise("요약: " + NOTICE) == " " + NOTICE
    assert text_to_summarise("보도자료 초안 써줘") is None
    assert "연결되어 있지 않아" in offline_answer("보도자료 초안 써줘", "ko")
    assert "No generative model" in offline_answer("write a press release", "en")
    assert "너무 짧습니다" in offline_answer("요약해줘\n짧은 글입니다.", "ko")

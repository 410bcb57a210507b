"""Long texts take the array skeleton (bot/wordfilter/normalise.SkeletonTable.skeleton_lines) and read only the
lines a listed form touches; these properties check that this reads exactly what the line-by-line path reads, so
no evasion slips through the faster path and no official sentence starts to fire."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.wordfilter import WordMatcher
from bot.wordfilter.lexicon import builtin_lexicon
from bot.wordfilter.normalise import SkeletonTable, initials, keyboard_spelling, skeleton

MATCHER = WordMatcher.from_lists(extra=["공무원놈"], allow=["시발점", "시발역"])
BUILTIN = WordMatcher.from_lists()
ASSISTANTS = Path(__file__).resolve().parents[2] / "assistants" / "builtin"


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return []


# Official text the project ships: every prompt, example and template of the built-in assistants, line by line.
OFFICIAL_LINES = sorted(
    {
        line.strip()
        for path in ASSISTANTS.glob("*.yaml")
        for text in _strings(yaml.safe_load(path.read_text(encoding="utf-8")))
        for line in text.splitlines()
        if len(line.strip()) >= 8
    }
)
PARAGRAPH = (
    "제1조(목적) 이 조례는 주민의 복리 증진과 지역 발전을 위하여 필요한 사항을 규정함을 목적으로 한다. "
    "제2조(정의) 이 조례에서 사용하는 용어의 뜻은 다음과 같다. 1. “민원”이란 민원인이 행정기관에 "
    "처분 등 특정한 행위를 요구하는 것을 말한다. 2. 「민원 처리에 관한 법률」에 따른 민원편람ㆍ신청서식을 "
    "비치하여야 한다. 시장은 예산의 범위에서 비용을 지원할 수 있다."
)
STRONG = sorted(entry.word for entry in builtin_lexicon() if entry.severity == 3 and entry.initials)

mixed = st.text(
    alphabet=st.sampled_from(list("시발ㅅㅂㅆㅣ병신개새끼 .\n\u200b\u3164İiｓＳ1ㅋ가나다ㆍ①「」tlqkf")), max_size=400
)


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=256, max_size=700) | mixed.map(lambda t: (t + PARAGRAPH) * 2))
def test_array_skeleton_and_its_lines_match_the_mapped_skeleton(text):
    found = SkeletonTable().skeleton_lines(text)
    expected, origin = skeleton(text)
    if found is None:  # characters only str.translate reads: that path is checked in test_wordfilter.py
        return
    skel, lines = found
    assert skel == expected
    assert lines.tolist() == [text.count("\n", 0, index) for index in origin]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from([*OFFICIAL_LINES[:40], "시 발 진짜", "ㅅㅂ", "병\u200b신", "tlqkf"]), min_size=3, max_size=12
    )
    | mixed.map(lambda t: t.split("\n"))
)
def test_a_long_text_reads_like_its_lines(lines):
    text = "\n".join([PARAGRAPH, *lines, PARAGRAPH])
    expected = []
    offset = 0
    for line in text.split("\n"):
        expected += [(hit.start + offset, hit.end + offset, hit.word) for hit in MATCHER.find(line)]
        offset += len(line) + 1
    assert sorted((hit.start, hit.end, hit.word) for hit in MATCHER.find(text)) == sorted(expected)


def _evasion(word: str, how: str, separator: str) -> str:
    if how == "spaced":
        return separator.join(word)
    if how == "initials":
        return initials(word)
    if how == "keyboard":
        return keyboard_spelling(word).upper()
    # "jamo": the first syllable typed as loose letters (ㅆㅣ발), when it has no final consonant.
    index = ord(word[0]) - 0xAC00
    if index % 28:
        return separator.join(word)
    return (
        "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"[index // 588]
        + "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"[index % 588 // 28]
        + word[1:]
    )


@settings(max_examples=80, deadline=None)
@given(
    st.sampled_from(STRONG),
    st.sampled_from(["spaced", "initials", "keyboard", "jamo"]),
    st.sampled_from(["\u200b", ".", "-_-", "\u3164", "*", "1"]),
    st.integers(min_value=0, max_value=3),
)
def test_evasions_of_strong_words_are_found_inside_long_official_text(word, how, separator, where):
    evaded = _evasion(word, how, separator)
    paragraphs = [PARAGRAPH] * 4
    paragraphs[where] = f"{PARAGRAPH} 민원인 왈 {evaded} 라고 함"
    text = "\n".join(paragraphs)
    assert len(text) >= 256
    assert MATCHER.find(text), evaded
    assert MATCHER.find(f"{PARAGRAPH} {evaded} 라고 함"), evaded  # and in one long line


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(OFFICIAL_LINES), min_size=1, max_size=30))
def test_the_assistants_official_text_never_fires(lines):
    assert BUILTIN.find("\n".join([PARAGRAPH, *lines])) == []
    assert all(BUILTIN.find(line) == [] for line in lines)

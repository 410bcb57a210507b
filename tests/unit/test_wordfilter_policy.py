"""Issue 18's pure logic: the lexicon as data, quoted-text detection, the policy an office writes, the classifier."""

from __future__ import annotations

import math

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from assistants.skills.registry import parse_office_config
from bot.config import ConfigInvalid
from bot.wordfilter import WordMatcher
from bot.wordfilter.classifier import AbuseClassifier, features, jamo_features, scale
from bot.wordfilter.lexicon import CATEGORIES, Entry, builtin_lexicon, read_lexicon
from bot.wordfilter.normalise import SkeletonTable
from bot.wordfilter.policy import word_policy
from bot.wordfilter.quotes import inside, quoted_spans
from tests.conftest import APP_YAML

LEXICON = builtin_lexicon()
MATCHER = WordMatcher.from_lists()


def test_the_builtin_lexicon_is_large_categorised_and_well_formed():
    assert len(LEXICON) > 3000
    assert {e.category for e in LEXICON} == set(CATEGORIES) - {"custom"}
    assert all(e.severity in (1, 2, 3) and e.word for e in LEXICON)
    with pytest.raises(ValueError):
        read_lexicon("시발\tnot_a_category\t3\n")
    with pytest.raises(ValueError, match="flag"):
        read_lexicon("시발\tprofanity\t3\tx\n")
    assert read_lexicon("쳐맞\tprofanity\t2\tb\n시발\tprofanity\t3\tib\n") == [
        Entry("쳐맞", "profanity", 2, initials=False, word_start=True),
        Entry("시발", "profanity", 3, initials=True, word_start=True),
    ]


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("이 개새끼야", "profanity"),
        ("저 전라디언들", "slur_origin"),
        ("김치녀들 또 시작", "slur_gender"),
        ("좌빨 새끼들", "slur_politics"),
        ("찾아가서 죽여버린다", "threat"),
        ("보지 사진", "sexual"),
        ("병 신 같은", "profanity"),
        ("ㅈ ㄹ하네", None),  # initials only for words flagged so; 지랄's initials are
    ],
)
def test_hits_carry_their_category(text, category):
    categories = {h.category for h in MATCHER.find(text)}
    if category is None:
        assert categories <= {"profanity"}
    else:
        assert category in categories, text


# Ordinary administrative Korean that holds a listed string (found on statutes and complaints).
OFFICIAL = [
    "광고물등의 표시방법 및 표시 위치",
    "제45조(자진해산)의 신고가 있거나",
    "설치 등 <신설 2011.10.10>",
    "간판으로 보지 아니하며",
    "지금 오후 1시 반이고 점심시간이라",
    "제보자 010-0000-7222\n지금 오후 5시 40분",
    "가로등이 켜졌다 꺼졌다 합니다",
    "폭염에 전염병 걱정도 됩니다",
    "병신년(丙申年) 새해 인사",
    "쓰레기 무단투기 단속 요청",
    "시발점에서 출발하는 노선",
    "개발제한구역 해제 민원",
    "한남동 주민센터 민원실",
    "정자 보수 공사와 음모론 대응",
    "사정이 있어 기한을 연장합니다",
]


@pytest.mark.parametrize("text", OFFICIAL)
def test_official_text_does_not_fire(text):
    assert MATCHER.find(text) == []


def test_categories_can_be_switched_off():
    politics_off = WordMatcher.from_lists(categories=["profanity"])
    assert politics_off.find("좌빨 소리") == [] and politics_off.find("씨발")


@pytest.mark.parametrize(
    ("text", "quoted_part"),
    [
        ("이 민원에 회신문 초안 써줘: 씨발 당장 고쳐", "씨발 당장 고쳐"),
        ("민원 내용: 미친놈들", "미친놈들"),
        ('시민이 "개새끼들"이라고 썼어요', '"개새끼들"'),
        ("「이 새끼들아」라는 문자", "「이 새끼들아」"),
        ("> 씨발 뭐하냐\n답변 써줘", "> 씨발 뭐하냐"),
        ("[첨부: 민원목록.xlsx]\n1. 개새끼들아", "1. 개새끼들아"),
    ],
)
def test_quoted_spans_find_the_citizens_words(text, quoted_part):
    start = text.index(quoted_part)
    assert inside(quoted_spans(text), start, start + len(quoted_part))


@pytest.mark.parametrize("text", ["씨발 오늘 회의 정리해줘", "이 새끼 왜 이래", "회의: 오후 3시"])
def test_the_officials_own_words_are_not_quoted(text):
    hits = MATCHER.find(text)
    assert all(not inside(quoted_spans(text), h.start, h.end) for h in hits)


@given(st.text(max_size=200))
def test_quoted_spans_are_sorted_disjoint_spans_of_the_text(text):
    spans = quoted_spans(text)
    assert all(0 <= s < e <= len(text) or (s == e == len(text)) for s, e in spans)
    assert all(a[1] < b[0] for a, b in zip(spans, spans[1:], strict=False))


def test_policy_falls_back_from_assistant_to_department_to_office_to_defaults():
    config = parse_office_config(APP_YAML.read_text(encoding="utf-8"))
    data = config.model_dump(mode="json")
    data["filters"]["words"] = {"action": "warn", "assistants": {"complaints": "mask"}}
    data["departments"][0]["words"] = {"action": "mask", "categories": ["profanity"], "min_severity": 2}
    custom = parse_office_config(yaml.safe_dump(data, allow_unicode=True))
    first, other = custom.departments[0].id, custom.departments[1].id
    assert word_policy(custom, first).action == "mask"
    assert word_policy(custom, first).categories == ("profanity",) and word_policy(custom, first).min_severity == 2
    assert word_policy(custom, other).action == "warn" and word_policy(custom, other, "complaints").action == "mask"
    assert word_policy(custom, other).quoted_action == "mask" and not word_policy(custom, other).classifier
    data["filters"]["words"] = {"categories": ["swearing"]}
    with pytest.raises(ConfigInvalid, match="swearing"):
        parse_office_config(yaml.safe_dump(data, allow_unicode=True))


CLASSIFIER = AbuseClassifier.builtin()


@given(st.text(max_size=120) | st.text(alphabet="씨발개새끼 야이놈 .ab1ㅅㅣㅂ\u200b", max_size=40))
def test_the_fast_score_equals_the_score_training_defined(text):
    # the file's weights, summed over both views' features as training counted them
    written = sum(CLASSIFIER._weights.get(g, 0.0) for g in features(text))
    jamo = sum(CLASSIFIER._jamo_weights.get(g, 0.0) for g in jamo_features(text, SkeletonTable()))
    expected = CLASSIFIER._bias + (written + jamo) * scale(text)
    assert math.isclose(CLASSIFIER.score(text), expected, abs_tol=1e-9)


@given(st.text(max_size=80))
def test_the_probability_is_calibrated_monotone_in_the_score(text):
    probability = CLASSIFIER.probability(text)
    assert 0 < probability < 1
    assert (probability >= CLASSIFIER.probability("한심한 인간들 수준 보소")) == (
        CLASSIFIER.score(text) >= CLASSIFIER.score("한심한 인간들 수준 보소")
    )


def test_the_jamo_view_sees_through_evasions_inside_a_word():
    assert CLASSIFIER._jamo_weights, "the model has jamo-view weights"
    table = SkeletonTable()
    assert jamo_features("시1발 새.끼", table) == jamo_features("ㅅㅣ발 새끼", table)


def test_the_classifier_flags_abuse_without_listed_words_and_passes_official_text():
    for text in ("벌레만도 못한 것들", "한심한 것들 수준 하고는"):
        assert CLASSIFIER.is_abusive(text) and not MATCHER.find(text), text
    # 병신년 (丙申年) and 시발점 are beyond it: their n-grams are the insults'; the allow-list handles them for the
    # lexicon, and the classifier only ever counts (and is off by default), so they cost an admin count, not a
    # refusal. (The model trained on 2runo alone passed 시발점; the one with K-MHaS does not.)
    assert [text for text in OFFICIAL if CLASSIFIER.is_abusive(text)] == [
        "병신년(丙申年) 새해 인사",
        "시발점에서 출발하는 노선",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "청소년 보호법 일부를 다음과 같이 개정한다.",
        "행정안전부장관은 다음 각 호의 사항에 대하여 2016년 1월 1일을 기준으로 3년마다(매 3년이 되는 해의 기준일과"
        " 같은 날 전까지를 말한다) 그 타당성을 검토하여 개선 등의 조치를 하여야 한다.",
        "중앙행정기관의 장은 매년 그 기관이 관장하는 민원의 처리 및 운영 실태를 조사하여야 한다.",
    ],
)
def test_years_and_youth_in_statutes_are_not_abuse(text):
    # K-MHaS's profanity rows make 년 (미친년) and 개 (개새끼) abusive; without clean formal text in training, these
    # statute sentences scored above the threshold.
    assert not CLASSIFIER.is_abusive(text)

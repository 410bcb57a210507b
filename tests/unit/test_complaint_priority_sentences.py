"""Priority reads the sentence, not single words: the new-user findings of the triage issue, in Korean."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from assistants.skills.complaints.priority import LEVELS, Context, Priority, score_complaint
from assistants.skills.complaints.settings import PriorityLevels, PriorityWeights

AS_OF = datetime(2026, 3, 2, 9, 0)


def score(text: str, context: Context = Context()) -> Priority:
    return score_complaint(
        text,
        context,
        received=None,
        status="",
        as_of=AS_OF,
        weights=PriorityWeights(),
        levels=PriorityLevels(),
    )


def at_least(priority: Priority, level: str) -> bool:
    return LEVELS.index(priority.level) <= LEVELS.index(level)


def test_a_dark_street_is_not_an_emergency():
    result = score("새봄길 가로등이 꺼져서 어둡습니다. 고쳐 주세요.")
    assert result.level != "긴급"
    assert not any(r.startswith("실제 피해") for r in result.reasons)


def test_smoke_from_a_vent_is_serious_but_not_automatically_urgent():
    result = score("지하주차장 환풍구에서 연기가 나요. 확인 부탁드립니다.")
    assert result.level in ("높음", "보통")
    assert any("연기" in r for r in result.reasons)


def test_kickboard_on_tactile_paving_is_high_with_the_vulnerable_reason():
    result = score("점자블록 위에 킥보드가 세워져 있어서 시각장애인이 지나가기 어렵습니다.")
    assert at_least(result, "높음")
    assert any("취약" in r for r in result.reasons)


def test_a_second_report_of_the_same_place_ranks_above_the_first():
    first = score("한빛로 12 앞 보도블록이 깨져서 걸려 넘어질 것 같아요.")
    again = score("한빛로 12 앞 보도블록이 깨져서 걸려 넘어질 것 같아요. 지난주에도 신고했는데 아직 그대로입니다.")
    assert again.score > first.score
    assert at_least(again, first.level)
    assert any(r.startswith("재신고") for r in again.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "학생들이 킥보드로 장난을 치고 다녀서 시끄럽습니다.",
        "어제 사고 날 뻔했습니다. 횡단보도 앞 불법주차 단속해 주세요.",
        "사고가 나기 전에 과속방지턱을 설치해 주세요.",
        "넘어졌는데 다치지는 않았지만 보도블록이 들떠 있어요.",
    ],
)
def test_words_of_an_accident_that_did_not_happen_are_not_harm(text):
    result = score(text)
    assert result.level != "긴급"
    assert not any(r.startswith("실제 피해") for r in result.reasons)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("골목에서 가스 냄새가 심하게 납니다.", "가스"),
        ("강풍에 전선이 끊어져 바닥에 늘어져 있습니다.", "전기"),
        ("한빛사거리 신호등이 다 꺼져서 차들이 뒤엉켜 있어요.", "신호 고장"),
        ("도로 한가운데 싱크홀이 생겼습니다.", "싱크홀"),
    ],
)
def test_immediate_dangers_are_urgent_and_named_by_kind(text, kind):
    result = score(text)
    assert result.level == "긴급"
    assert any(kind in r for r in result.reasons)


def test_an_actual_injury_is_urgent_and_a_praise_letter_is_not():
    assert score("킥보드에 치여서 아이가 다쳤습니다. 병원에 실려 갔어요.").level == "긴급"
    praise = score("허리를 다쳐서 못 내린다고 하니 기사님이 올라와서 가져가 주셨습니다. 감사합니다.")
    assert praise.level != "긴급"


def test_every_level_says_why():
    for text in ("구청 홈페이지 디자인이 예뻐졌네요.", "음식물 쓰레기 수거 요일이 궁금합니다.", "가스 냄새가 납니다"):
        assert score(text).reasons


def test_reasons_come_in_korean_and_english():
    from assistants.skills.complaints.reasons import localized

    for text in (
        "점자블록 위에 킥보드가 세워져 있어서 시각장애인이 지나가기 어렵습니다. 지난주에도 신고했는데 아직 그대로입니다.",
        "골목에서 가스 냄새가 심하게 납니다.",
        "재산세 고지서는 언제 오나요?",
    ):
        reasons = score(text).reasons
        english = [localized(r, "en") for r in reasons]
        assert english and all(e != str(r) and re.search(r"[a-z]{3}", e) for r, e in zip(reasons, english)), english
    assert localized(score("골목에서 가스 냄새가 심하게 납니다.").reasons[0], "en").startswith("immediate danger: gas")

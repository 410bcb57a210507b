"""The model pass's pure parts: the plan (calls, tokens, copies not sent again), the answer's validation, and
how verdicts land on an issue and its copies before the groups are ranked again."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from assistants.skills.complaints.model_read import BATCH_SIZE, RUBRIC, apply, batch_prompt, parse_answer, plan
from assistants.skills.complaints.parsing import read_file
from assistants.skills.complaints.pipeline import rerank, triage
from assistants.skills.registry import OfficeConfig as AppConfig
from tests.conftest import shipped_config_data
from tests.support.complaint_files import AS_OF

CONFIG = AppConfig.model_validate(shipped_config_data())
SETTINGS = CONFIG.complaints  # type: ignore[attr-defined]

PETITION = (
    "07번 마을버스 노선 변경에 반대합니다. 주민 의견을 듣지 않고 노선을 바꾸면 어르신들이 병원에 가기 어렵습니다."
)
ROWS = [
    ("1", "2026-02-01", "한빛초등학교 정문 앞 맨홀 뚜껑이 열려 있어요 아이들이 지나다닙니다", "한빛초등학교 정문"),
    ("2", "2026-02-02", PETITION, ""),
    ("3", "2026-02-03", PETITION, ""),
    ("4", "2026-02-03", PETITION + " 꼭 반영해 주세요.", ""),
    ("5", "2026-02-04", "주민센터 여권 발급 시간이 궁금합니다", ""),
    ("6", "2026-02-05", "새봄길 12 앞 가로등이 깜빡거립니다 수리 부탁드립니다", "새봄길 12"),
]


def _result():  # type: ignore[no-untyped-def]
    text = "접수번호,접수일,내용,위치\n" + "\n".join(",".join(f'"{v}"' for v in row) for row in ROWS) + "\n"
    source = read_file("목록.csv", text.encode("utf-8"))
    return triage(
        source,
        settings=SETTINGS,
        departments=CONFIG.departments,
        actions=dict(CONFIG.filters.pii),
        as_of=AS_OF,
    )


def test_plan_sends_each_issue_once_and_estimates_calls_and_tokens():
    result = _result()
    reading = plan(result)
    sent = [i for batch in reading.batches for i in batch]
    texts = [result.complaints[i].complaint.text for i in sent]
    assert texts.count(PETITION) == 1  # the copies follow the first report
    assert reading.complaints == len(sent) < len(result.complaints)
    assert reading.calls == 1 and reading.tokens > len(RUBRIC) // 2  # the rubric's Hangul alone costs this much
    small = plan(result, batch_size=2)
    assert small.calls == -(-small.complaints // 2) and small.tokens > reading.tokens  # the rubric once per call


def test_a_valid_answer_sets_levels_on_the_issue_and_its_copies_and_groups_follow():
    result = _result()
    reading = plan(result)
    batch = reading.batches[0]
    petition = next(n for n, i in enumerate(batch, start=1) if result.complaints[i].complaint.text == PETITION)
    answer = {"items": [{"n": petition, "level": "높음", "reason": "어르신 이동권에 영향"}]}
    verdicts = parse_answer("```json\n" + json.dumps(answer, ensure_ascii=False) + "\n```", len(batch))
    assert verdicts is not None and verdicts[petition].level == "높음"
    apply(result, {batch[n - 1]: v for n, v in verdicts.items()})
    rerank(result, SETTINGS)
    copies = [c for c in result.complaints if PETITION in c.complaint.text]
    assert len(copies) == 3 and all(c.priority.level == "높음" for c in copies)
    assert all(c.priority.reasons[0] == "모델 판단(높음): 어르신 이동권에 영향" for c in copies)
    assert copies[0].priority.reasons[0].en == "model reading (high): 어르신 이동권에 영향"
    # The group is as urgent as its members say now, and the ranking still puts the most urgent first.
    group = result.clusters[copies[0].cluster]
    assert group.priority.level in ("긴급", "높음")
    order = [["긴급", "높음", "보통", "낮음"].index(c.priority.level) for c in result.clusters]
    assert order == sorted(order)


def test_the_prompt_holds_masked_text_only():
    result = _result()
    prompt = batch_prompt(result, plan(result).batches[0])
    assert "1. " in prompt and "맨홀" in prompt


def test_answers_that_are_not_the_asked_json_are_refused():
    assert parse_answer("죄송하지만 도와드릴 수 없습니다.", 3) is None
    assert parse_answer('{"items": []}', 3) is None
    assert parse_answer('{"items": [{"n": 1, "level": "매우 급함", "reason": "x"}]}', 3) is None
    assert parse_answer('{"items": [{"n": 1, "level": "긴급", "reason": ""}]}', 3) is None
    assert parse_answer('{"items": [{"n": 9, "level": "긴급", "reason": "범위 밖"}]}', 3) is None
    assert parse_answer('{"items": [{"n": 1, "level": "긴급", "reason": "가스 냄새"}', 3) is None  # cut off


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=300))
def test_any_model_text_gives_verdicts_in_range_or_none(text):
    found = parse_answer(text, BATCH_SIZE)
    assert found is None or all(
        1 <= n <= BATCH_SIZE and v.level in ("긴급", "높음", "보통", "낮음") for n, v in found.items()
    )

"""The console's reading of the audit trail and of assistant versions: filters, finding types, line diffs."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from assistants.spec import AssistantSpec
from bot.admin.audit_view import HIDDEN_USER, caught, line, policy_of, read_filter
from bot.admin.versions import as_yaml, spec_diff

SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)


def test_filters_keep_known_decisions_and_plain_finding_types_only():
    chosen = read_filter(
        {"period": "today", "decision": "blocked", "finding": "phone", "department": "traffic", "user": " kim "},
        NOW,
        SEOUL,
    )
    assert (chosen.decision, chosen.finding, chosen.department, chosen.user) == ("blocked", "phone", "traffic", "kim")
    odd = read_filter({"decision": "drop table", "finding": '"%'}, NOW, SEOUL)
    assert odd.decision == "" and odd.finding == "" and odd.period.kind == "month"


def test_finding_types_belong_to_their_policy():
    assert policy_of("phone") == policy_of("output_rrn") == "pii"
    assert policy_of("prohibited_word_abuse") == policy_of("output_prohibited_word") == "words"
    assert policy_of("abuse_suspected") == "words"


def test_caught_adds_counts_per_type_and_department():
    rows = [
        ("traffic", json.dumps({"phone": 2, "prohibited_word": 1})),
        ("pr", json.dumps({"phone": 1})),
        ("traffic", json.dumps({"phone": 1})),
    ]
    by_type = {c.finding: c for c in caught(rows)}
    assert by_type["phone"].by_department == {"traffic": 3, "pr": 1} and by_type["phone"].total == 4
    assert by_type["prohibited_word"].policy == "words"


@given(
    st.lists(
        st.tuples(st.sampled_from(["a", "b"]), st.dictionaries(st.sampled_from(["phone", "rrn"]), st.integers(0, 9)))
    )
)
def test_caught_totals_equal_the_sum_of_every_record(rows):
    lines = caught([(d, json.dumps(f)) for d, f in rows])
    assert sum(c.total for c in lines) == sum(sum(f.values()) for _, f in rows)


def test_a_listed_record_hides_the_user_unless_the_reader_administers_that_department():
    record = {
        "seq": 7,
        "created_at": datetime(2026, 11, 29, 15, 30, tzinfo=UTC),
        "call_id": "c1",
        "department_id": "traffic",
        "user_id": "kim.minsu",
        "platform": "web",
        "purpose": "chat",
        "assistant_id": None,
        "model": None,
        "model_alias": "default",
        "prompt_tokens": 10,
        "completion_tokens": 5,
        "decision": "masked",
        "error_code": None,
        "findings": '{"phone": 1}',
    }
    shown, hidden = line(record, SEOUL, True), line(record, SEOUL, False)
    assert shown.user_id == "kim.minsu" and hidden.user_id == HIDDEN_USER
    assert shown.when.hour == 0 and shown.when.day == 30 and shown.tokens == 15 and shown.findings == {"phone": 1}


def test_a_diff_shows_the_changed_lines_and_nothing_for_the_same_content():
    old = AssistantSpec(id="a1", name="주차 민원", system_prompt="정중하게 답합니다.", department="traffic", version=1)
    new = old.model_copy(update={"system_prompt": "정중하고 짧게 답합니다.", "version": 2})
    lines = spec_diff(old, new)
    assert ("removed", "system_prompt: 정중하게 답합니다.") in [(d.kind, d.text) for d in lines]
    assert ("added", "system_prompt: 정중하고 짧게 답합니다.") in [(d.kind, d.text) for d in lines]
    assert spec_diff(old, old.model_copy(update={"version": 3})) == []  # only the number differs
    assert all("disabled" not in text for text in as_yaml(old.model_copy(update={"disabled": True})))

"""Prohibited-word actions end to end (issue 18), through the web chat and the OpenAI-compatible endpoint of a
running govbot with the fake upstream: what the upstream received is what is asserted.

An official who pastes an abusive complaint gets a draft, with the abuse masked before the model and a note
saying so; the same abuse typed as the official's own words follows the department's action (block by default,
mask or warn when app.yaml says so); counts by category reach the audit, never the words."""

from __future__ import annotations

import json

import openai
import pytest
from openai import AsyncOpenAI

from tests.conftest import config_for_upstreams, shipped_config_data
from tests.integration.webchat import send

COMPLAINT = "새벽 2시에 망치질하는 새끼가 정상이냐? 씨발 관리사무소는 뭐 하는 거야. 당장 조치해라."
ABUSE = ("새끼", "씨발")


def config_with_words(fake_url: str, office: dict | None = None, traffic: dict | None = None):
    data = shipped_config_data()
    if office is not None:
        data["filters"]["words"] = office
    if traffic is not None:
        for department in data["departments"]:
            if department["id"] == "traffic":
                department["words"] = traffic
    return config_for_upstreams(fake_url, data=data)


async def api_client(gb) -> AsyncOpenAI:
    key, _ = await gb.runtime.store.keys.create("traffic", "민원 도구", "park.jiyoung")
    return gb.track(AsyncOpenAI(base_url=gb.url + "/v1", api_key=key, max_retries=0))


def last_user_message(fake_openai) -> str:
    return fake_openai.requests[-1]["messages"][-1]["content"]


@pytest.mark.parametrize(
    "request_text",
    [
        f"이 민원에 회신문 초안 써줘: {COMPLAINT}",
        f"정중한 답변 초안을 써 줘. 민원: {COMPLAINT}",
        f'시민이 "{COMPLAINT}" 라고 보냈어. 회신 초안 부탁해',
        f"> {COMPLAINT}\n이 글에 답변 초안",
    ],
    ids=["after a lead-in", "민원:", "in quotation marks", "markdown quote"],
)
async def test_a_quoted_abusive_complaint_gets_a_draft_with_the_abuse_masked(start_govbot, fake_openai, request_text):
    fake_openai.reply_with("안녕하십니까, 불편을 드려 죄송합니다. 소음 문제는 관리사무소와 함께 확인하겠습니다.")
    async with start_govbot() as gb:
        result = await send(gb.url, request_text)
    assert result.reply["kind"] == "answer", result.text
    sent = last_user_message(fake_openai)
    for word in ABUSE:
        assert word not in sent
    assert sent.count("○○") >= 2 and "망치질하는" in sent and "관리사무소는" in sent  # the rest is intact
    assert "○○로 가린 뒤 모델에 보냈습니다" in result.text and "replaced with ○○" in result.text
    assert "소음 문제는 관리사무소와 함께 확인하겠습니다" in result.text


async def test_a_pasted_complaint_list_goes_to_triage_with_the_abuse_masked(start_govbot, fake_openai):
    """Complaint triage input is the citizens' words: masked, never refused, whatever the lead-in."""
    async with start_govbot() as gb:
        result = await send(gb.url, f"민원:\n{COMPLAINT}\n\n가로등이 꺼졌어요 새봄길 12 앞")
    assert result.reply["kind"] != "refusal", result.text
    sent = fake_openai.everything_sent()
    assert fake_openai.requests and "망치질하는" in sent
    for word in ABUSE:
        assert word not in sent


async def test_the_same_abuse_as_the_officials_own_words_is_blocked_by_default(start_govbot, fake_openai):
    async with start_govbot() as gb:
        result = await send(gb.url, "씨발 이 민원 진짜 짜증나네 새끼가")
    assert result.reply["kind"] == "refusal"
    assert "금칙어 정책" in result.text and "민원:" in result.text  # says how to quote a citizen instead
    assert fake_openai.requests == []


async def test_department_mask_action_masks_the_officials_own_words(start_govbot, fake_openai):
    fake_openai.reply_with("정리했습니다.")
    config = config_with_words(fake_openai.base_url, traffic={"action": "mask"})
    async with start_govbot(config=config) as gb:
        result = await send(gb.url, "씨발 오늘 회의 내용 정리해줘")
    assert result.reply["kind"] == "answer"
    assert last_user_message(fake_openai).startswith("○○ 오늘 회의 내용") and "씨발" not in last_user_message(
        fake_openai
    )
    assert "○○로 가린 뒤" in result.text


async def test_warn_passes_the_words_and_counts_them_by_category_for_admins(start_govbot, fake_openai):
    fake_openai.reply_with("네.")
    config = config_with_words(fake_openai.base_url, traffic={"action": "warn"})
    async with start_govbot(config=config) as gb:
        result = await send(gb.url, "씨발 오늘 회의 내용 정리해줘")
        records = [row async for row in gb.runtime.store.audit.rows() if row["purpose"] != "admin"]
    assert result.reply["kind"] == "answer" and "○○" not in result.text
    assert "씨발" in last_user_message(fake_openai)
    findings = json.loads(records[-1]["findings"])
    assert findings["prohibited_word_warn"] == 1 and findings["prohibited_word_profanity"] == 1
    assert "씨발" not in json.dumps(records, ensure_ascii=False, default=str)


async def test_quoted_text_is_refused_only_when_the_office_says_so(start_govbot, fake_openai):
    config = config_with_words(fake_openai.base_url, office={"quoted_action": "block"})
    async with start_govbot(config=config) as gb:
        result = await send(gb.url, f'시민이 "{COMPLAINT}" 라고 보냈어. 회신 초안 부탁해')
    assert result.reply["kind"] == "refusal" and fake_openai.requests == []


async def test_a_category_switched_off_for_the_department_passes(start_govbot, fake_openai):
    fake_openai.reply_with("확인했습니다.")
    categories = ["profanity", "sexual", "slur_gender", "slur_origin", "threat"]  # not slur_politics
    config = config_with_words(fake_openai.base_url, traffic={"categories": categories})
    async with start_govbot(config=config) as gb:
        allowed = await send(gb.url, "빨갱이 소리 들었다는 민원 통계 내줘")
        refused = await send(gb.url, "죽여버린다고 쓰면 어떻게 돼")
    assert allowed.reply["kind"] == "answer" and "빨갱이" in fake_openai.requests[0]["messages"][-1]["content"]
    assert refused.reply["kind"] == "refusal" and len(fake_openai.requests) == 1


async def test_openai_endpoint_masks_quoted_complaints_and_refuses_own_abuse(start_govbot, fake_openai):
    fake_openai.reply_with("회신 초안입니다.")
    fake_openai.reply_with("스트림 회신 초안입니다.")
    async with start_govbot() as gb:
        client = await api_client(gb)
        drafted = await client.chat.completions.create(
            model="default", messages=[{"role": "user", "content": f"민원 내용: {COMPLAINT}"}]
        )
        stream = await client.chat.completions.create(
            model="default", messages=[{"role": "user", "content": f"민원 내용: {COMPLAINT}"}], stream=True
        )
        streamed = "".join([chunk.choices[0].delta.content or "" async for chunk in stream if chunk.choices])
        with pytest.raises(openai.BadRequestError) as refused:
            await client.chat.completions.create(
                model="default", messages=[{"role": "user", "content": "야 이 새끼야 빨리 답해"}]
            )
    assert refused.value.status_code == 400 and refused.value.body["code"] == "policy_blocked"
    assert len(fake_openai.requests) == 2
    for request in fake_openai.requests:
        content = request["messages"][-1]["content"]
        assert "씨발" not in content and "새끼" not in content and content.count("○○") == 2
    assert drafted.choices[0].message.content.endswith("회신 초안입니다.")
    assert "○○로 가린 뒤" in drafted.choices[0].message.content
    assert streamed.endswith("스트림 회신 초안입니다.") and "○○로 가린 뒤" in streamed


async def test_output_warn_counts_without_covering(start_govbot, fake_openai):
    fake_openai.reply_with("민원인이 '씨발'이라고 말했다는 기록이 있습니다.")
    config = config_with_words(fake_openai.base_url, traffic={"action": "warn"})
    async with start_govbot(config=config) as gb:
        result = await send(gb.url, "통화 기록을 요약해줘")
        records = [row async for row in gb.runtime.store.audit.rows() if row["purpose"] != "admin"]
    assert "씨발" in result.text
    assert json.loads(records[-1]["findings"])["output_prohibited_word_profanity"] == 1


async def test_the_classifier_counts_abuse_the_lexicon_cannot_see_and_never_refuses(start_govbot, fake_openai):
    fake_openai.reply_with("네.")
    config = config_with_words(fake_openai.base_url, traffic={"classifier": True})
    async with start_govbot(config=config) as gb:
        result = await send(gb.url, "벌레만도 못한 것들")
        records = [row async for row in gb.runtime.store.audit.rows() if row["purpose"] != "admin"]
    assert result.reply["kind"] == "answer" and "벌레만도" in last_user_message(fake_openai)
    assert json.loads(records[-1]["findings"]) == {"abuse_suspected": 1}

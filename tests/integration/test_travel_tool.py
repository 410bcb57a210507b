"""여비 계산 end to end: the web chat question of issue 17 with a fake upstream that calls the tool (streamed and
not), the same facts through `/여비` offline, and the policies on a tool's arguments and results."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import aiohttp
import yaml
from sqlalchemy import select

from bot.conversation import FilePart, Message
from bot.store.models import AuditRecord, UsageRecord
from tests.conftest import FAKE_KEY_ENV, parse_config, shipped_config_data
from tests.integration.webchat import send

QUESTION = "다음 주 화요일 세종시 출장 1박 2일, KTX 일반실, 관용차 없음 — 여비 얼마야?"
CLOSING = "정산할 때 승차권 영수증과 숙박 영수증을 첨부하세요."


def next_tuesday() -> date:
    today = datetime.now(ZoneInfo("Asia/Seoul")).date()
    return today - timedelta(days=today.weekday()) + timedelta(days=8)


def expected_rows(start: date) -> list[str]:
    """The breakdown by hand (별표 2 제2호): 세종특별자치시 is neither 특별시 nor 광역시, so its lodging cap is 그 밖의
    지역 70,000원. Day 1: 일비 25,000, 식비 25,000, 숙박비 70,000; day 2: 일비 25,000, 식비 25,000; the KTX fare was
    not given (paid as spent, 0 in the total). Total 25,000×2 + 25,000×2 + 70,000 = 170,000원."""
    weekday = "월화수목금토일"
    day1 = f"1일차 {start:%m-%d}({weekday[start.weekday()]})"
    second = start + timedelta(days=1)
    day2 = f"2일차 {second:%m-%d}({weekday[second.weekday()]})"
    return [
        f"| {day1} | 운임 | 철도 (KTX 일반실): 실비 (금액 미입력, 영수증 금액으로 정산) | 0원 |",
        f"| {day1} | 일비 | 25,000원 | 25,000원 |",
        f"| {day1} | 식비 | 25,000원 | 25,000원 |",
        f"| {day1} | 숙박비 | 상한액 (그 밖의 지역) — 실비 정산 | 70,000원 |",
        f"| {day2} | 일비 | 25,000원 | 25,000원 |",
        f"| {day2} | 식비 | 25,000원 | 25,000원 |",
        "| | **합계** | | **170,000원** |",
    ]


def tool_config(fake_url: str, *, tools: bool = True):
    data = shipped_config_data()
    data["providers"] = [
        {
            "id": "fake0",
            "kind": "openai",
            "base_url": fake_url,
            "api_key_env": FAKE_KEY_ENV,
            "timeout_seconds": 5,
            "max_retries": 0,
            "tools": tools,
        }
    ]
    data["models"] = {"default": [{"provider": "fake0", "model": "fake-model-0"}]}
    return parse_config(yaml.safe_dump(data, allow_unicode=True))


def script_the_model(fake_openai, start: date) -> dict:
    arguments = {
        "destination": "세종특별자치시",
        "start_date": start.isoformat(),
        "duration": {"nights": 1, "days": 2},
        "transport": "rail",
        "transport_class": "KTX 일반실",
        "official_vehicle": False,
    }
    fake_openai.call_tools(("travel_expenses", json.dumps(arguments, ensure_ascii=False)))
    fake_openai.reply_with(CLOSING)
    return arguments


def assert_breakdown(text: str, start: date) -> None:
    lines = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| 일자")]
    assert lines == expected_rows(start)  # every row, in order, and nothing else
    assert text.rstrip().endswith(CLOSING)


async def calls_billed_and_audited(runtime) -> tuple[list[UsageRecord], list[AuditRecord]]:
    async with runtime.store.sessions() as session:
        usage = list((await session.scalars(select(UsageRecord))).all())
        audit = list((await session.scalars(select(AuditRecord).order_by(AuditRecord.seq))).all())
    return usage, audit


def check_the_model_saw_the_tool(fake_openai, arguments: dict) -> None:
    first, second = fake_openai.requests[-2:]
    (offered,) = first["tools"]
    assert offered["type"] == "function" and offered["function"]["name"] == "travel_expenses"
    assert "destination" in offered["function"]["parameters"]["properties"]
    assistant, tool = second["messages"][-2:]
    assert assistant["role"] == "assistant" and assistant["tool_calls"][0]["function"]["name"] == "travel_expenses"
    assert json.loads(assistant["tool_calls"][0]["function"]["arguments"]) == arguments
    assert tool["role"] == "tool" and tool["tool_call_id"] == assistant["tool_calls"][0]["id"]
    assert "170,000원" in tool["content"]  # the model gets the computed result, not the task of computing it


async def test_the_web_chat_question_is_answered_by_the_tool_streamed(start_govbot, fake_openai):
    start = next_tuesday()
    async with start_govbot(config=tool_config(fake_openai.base_url)) as gb:
        assert (await send(gb.url, "/use 여비 계산")).reply["kind"] != "error"
        arguments = script_the_model(fake_openai, start)
        result = await send(gb.url, QUESTION)
        assert result.status == 200 and result.reply["kind"] == "answer"
        assert_breakdown(result.reply["text"], start)
        assert_breakdown("".join(result.deltas), start)  # streamed as computed, before the model's closing words
        assert result.reply["notice"] == gb.runtime.config.organisation.ai_notice
        (statement,) = [p for p in result.reply["parts"] if p["type"] == "file"]
        assert statement["name"] == f"여비계산서_{start:%Y%m%d}_세종특별자치시.xlsx"
        async with aiohttp.ClientSession() as session:
            async with session.get(gb.url + statement["url"], headers={"X-Forwarded-User": "kim.minsu"}) as response:
                assert response.status == 200 and (await response.read())[:2] == b"PK"
        check_the_model_saw_the_tool(fake_openai, arguments)
        assert all(r["stream"] for r in fake_openai.requests[-2:])
        usage, audit = await calls_billed_and_audited(gb.runtime)
        assert [(u.user_id, u.assistant_id, u.prompt_tokens, u.completion_tokens) for u in usage] == [
            ("kim.minsu", "travel", 11, 7),
            ("kim.minsu", "travel", 11, 7),
        ]
        assert [a.decision for a in audit if a.assistant_id == "travel"] == ["allowed", "allowed"]


async def test_the_same_question_without_streaming_gives_the_same_breakdown(start_govbot, fake_openai):
    """The Bot protocol without a sink (as Slack's non-streamed path calls it): the upstream answers whole."""
    start = next_tuesday()
    async with start_govbot(config=tool_config(fake_openai.base_url)) as gb:
        bot = gb.runtime.bot
        await bot.on_message(Message("web", "kim.minsu", "/use 여비 계산", thread_id="n1", is_direct=True))
        arguments = script_the_model(fake_openai, start)
        reply = await bot.on_message(Message("web", "kim.minsu", QUESTION, thread_id="n1", is_direct=True))
        assert reply.kind == "answer"
        assert_breakdown(reply.text, start)
        assert [p.name for p in reply.parts if isinstance(p, FilePart)] == [
            f"여비계산서_{start:%Y%m%d}_세종특별자치시.xlsx"
        ]
        assert not any(r.get("stream") for r in fake_openai.requests[-2:])
        check_the_model_saw_the_tool(fake_openai, arguments)


async def test_a_provider_without_tool_support_never_sees_tools(start_govbot, fake_openai):
    start = next_tuesday()
    async with start_govbot(config=tool_config(fake_openai.base_url, tools=False)) as gb:
        await send(gb.url, "/use 여비 계산")
        script_the_model(fake_openai, start)
        result = await send(gb.url, QUESTION)
        assert "tools" not in fake_openai.requests[-1]
        assert "170,000원" not in result.reply["text"]  # the model answered in words; nothing was computed
        assert len([r for r in fake_openai.requests if "messages" in r]) == 1


async def test_offline_the_command_asks_for_the_same_facts_and_gives_the_same_numbers(start_govbot):
    start = next_tuesday()
    async with start_govbot(offline=True) as gb:
        asked = await send(gb.url, "/여비")
        assert "출발일" in asked.text
        for answer, next_question in (
            ("다음 주 화요일", "출장지"),
            ("세종시", "기간"),
            ("1박 2일", "교통수단"),
            ("KTX 일반실", "운임"),
            ("모름", "관용차"),
        ):
            reply = await send(gb.url, answer)
            assert next_question in reply.text, (answer, reply.text)
        result = await send(gb.url, "없음")
        assert result.reply["kind"] == "answer"
        rows = [
            line
            for line in result.reply["text"].splitlines()
            if line.startswith("| ") and not line.startswith("| 일자")
        ]
        assert rows == expected_rows(start)
        assert result.reply["notice"] is None  # computed by code, not written by a model
        assert [p["type"] for p in result.reply["parts"]] == ["file"]


async def test_offline_a_command_with_every_fact_answers_at_once_and_a_wrong_answer_is_asked_again(start_govbot):
    start = next_tuesday()
    async with start_govbot(offline=True) as gb:
        done = await send(
            gb.url, f"/여비 출장지=세종시 출발일={start.isoformat()} 기간=1박 2일 교통=KTX 일반실 운임=모름 관용차=없음"
        )
        assert "| | **합계** | | **170,000원** |" in done.text
        await send(gb.url, "/여비", thread="t2")
        wrong = await send(gb.url, "언젠가", thread="t2")
        assert wrong.reply["kind"] == "error" and "출발일" in wrong.text
        phone = await send(gb.url, "010-1234-5678", thread="t2")
        assert "개인정보" in phone.text
        cancelled = await send(gb.url, "취소", thread="t2")
        assert "그만" in cancelled.text


async def test_offline_the_travel_assistant_points_to_the_command(start_govbot):
    async with start_govbot(offline=True) as gb:
        await send(gb.url, "/use 여비 계산")
        result = await send(gb.url, QUESTION)
        assert "`/여비`" in result.text


async def test_personal_information_and_prohibited_words_in_tool_arguments_and_results(start_govbot, fake_openai):
    """The user's phone number reaches the model as a placeholder; the model's tool arguments get the real value
    back (the tool computes on what the official wrote), and the tool's result is masked again before it goes
    back to the model. A prohibited word the model puts into the arguments is covered before the tool sees it."""
    start = next_tuesday()
    async with start_govbot(config=tool_config(fake_openai.base_url)) as gb:
        await send(gb.url, "/use 여비 계산")
        arguments = {
            "destination": "세종시 [전화번호#1] 씨발",
            "start_date": start.isoformat(),
            "duration": "1박 2일",
            "transport": "KTX 일반실",
        }
        fake_openai.call_tools(("travel_expenses", json.dumps(arguments, ensure_ascii=False)))
        fake_openai.reply_with(CLOSING)
        result = await send(gb.url, f"{QUESTION} 담당 연락처 010-1234-5678")
        assert "세종시 010-1234-5678 ○○ 출장" in result.reply["text"]
        assert "씨발" not in result.reply["text"]
        everything = json.dumps(fake_openai.requests, ensure_ascii=False)
        assert "010-1234-5678" not in everything
        tool_message = fake_openai.requests[-1]["messages"][-1]
        assert tool_message["role"] == "tool" and "세종시 [전화번호#1] ○○ 출장" in tool_message["content"]
        _, audit = await calls_billed_and_audited(gb.runtime)
        travel = [json.loads(a.findings) for a in audit if a.assistant_id == "travel"]
        assert travel[0].get("phone") and travel[0].get("output_prohibited_word")

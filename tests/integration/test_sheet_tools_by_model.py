"""식비 집계 as a tool the model calls (issue 17, item 1): the web chat with an attached XLSX and a fake upstream
that calls `meal_costs`, streamed and not. The figures are the code's, the XLSX is a download, and the upstream
never sees a name from the workbook: the file goes to the tool, not into the prompt."""

from __future__ import annotations

import json

import aiohttp

from bot.conversation import Attachment, FilePart, Message
from tests.integration.test_travel_tool import calls_billed_and_audited, tool_config
from tests.integration.webchat import send
from tests.support.sheets import MEALS, XLSX, committee_files, flat, read_back

QUESTION = "첨부한 식당 이용 내역에서 3월분만 부서별로 정리해 줄래?"
CLOSING = "표시된 건은 원본 영수증과 대조해 보세요."
NAMES = sorted({name for name, *_ in MEALS})  # 김민수, 박철호, 이영희

# By hand, March 2026 of tests/support/sheets.py MEALS with the shipped 1식 한도 8,000원 (app.yaml `meals:`):
# 총무과  김민수 8,000 + 8,000 (the same lunch twice: 중복) + 9,000 (석식, 1,000 over), 이영희 7,000 (3/2 삼일절
#         대체공휴일) -> 2명, 4식, 32,000원, 3 rows to check;
# 교통행정과 박철호 8,000 (3/7 Sat) + 8,500 (3/1 Sun, 삼일절, 500 over) -> 1명, 2식, 16,500원, 2 rows to check
#         (his 4/1 lunch is outside March);
# March: 6식, 48,500원, 5 rows; flags: 중복 1, 주말 2, 공휴일 2, 한도 초과 2.
EXPECTED = [
    "**식비 집계** (2026-03) — 파일 1개, 시트 1개에서 식사 6건, 합계 **48,500원**, 3명 (1식 한도 8,000원)",
    "확인 필요: 중복 1건, 주말 2건, 공휴일 2건, 한도 초과 2건",
    "| 교통행정과 | 1 | 2 | 16,500 | 2 |",
    "| 총무과 | 2 | 4 | 32,000 | 3 |",
    "| 2026-03 | 6 | 48,500 | 5 |",
]
PEOPLE = {
    ("김민수", "총무과"): (3, 25_000, 2),
    ("이영희", "총무과"): (1, 7_000, 1),
    ("박철호", "교통행정과"): (2, 16_500, 2),
}


def script_the_model(fake_openai) -> None:
    fake_openai.call_tools(("meal_costs", json.dumps({"month": "2026-03"})))
    fake_openai.reply_with(CLOSING)


def assert_figures(text: str) -> None:
    lines = text.splitlines()
    for line in EXPECTED:
        assert line in lines, (line, text)
    assert text.rstrip().endswith(CLOSING)
    assert not any(name in text for name in NAMES)


def assert_upstream_saw_no_names(fake_openai) -> None:
    """Everything the fake upstream received (both calls: prompts, the tool call, the tool's result)."""
    first, second = fake_openai.requests[-2:]
    assert [t["function"]["name"] for t in first["tools"]] == ["travel_expenses", "meal_costs", "committee_check"]
    question = first["messages"][-1]["content"]
    assert QUESTION in question and "XLSX 파일 1개" in question  # told a workbook is there, not what it holds
    assert "`/식비`, `/위원회 점검` 명령" in question  # and what the official can send if no tool can be called
    tool = second["messages"][-1]
    assert tool["role"] == "tool" and "48,500원" in tool["content"]  # the computed result, for the closing words
    everything = json.dumps(fake_openai.requests, ensure_ascii=False)
    assert not [name for name in NAMES if name in everything]
    assert "중식" not in everything and "3월식비.xlsx" not in everything  # no row, not even the file's name


def people_in(data: bytes) -> dict[tuple[str, str], tuple[int, int, int]]:
    return {(r["성명"], r["부서"]): (r["식수"], r["금액"], r["표시 건수"]) for r in read_back(data, "개인별")}


async def test_the_model_calls_meal_costs_on_the_attached_workbook_streamed(start_govbot, fake_openai):
    async with start_govbot(config=tool_config(fake_openai.base_url)) as gb:
        assert (await send(gb.url, "/use 업무 도구")).reply["kind"] != "error"
        script_the_model(fake_openai)
        result = await send(gb.url, QUESTION, files=[("3월식비.xlsx", flat(), XLSX)])
        assert result.status == 200 and result.reply["kind"] == "answer", result
        assert_figures(result.reply["text"])
        assert_figures("".join(result.deltas))  # the table streamed as computed, then the model's words
        (statement,) = [p for p in result.reply["parts"] if p["type"] == "file"]
        assert statement["name"] == "식비집계_2026-03.xlsx"
        async with aiohttp.ClientSession() as session:
            async with session.get(gb.url + statement["url"], headers={"X-Forwarded-User": "kim.minsu"}) as response:
                assert response.status == 200
                assert people_in(await response.read()) == PEOPLE  # the names are in the official's file only
        assert all(r["stream"] for r in fake_openai.requests[-2:])
        assert_upstream_saw_no_names(fake_openai)
        usage, audit = await calls_billed_and_audited(gb.runtime)
        assert [u.assistant_id for u in usage] == ["work_tools", "work_tools"]  # each model call billed
        assert [a.decision for a in audit if a.assistant_id == "work_tools"] == ["allowed", "allowed"]


async def test_the_model_calls_meal_costs_without_streaming(start_govbot, fake_openai):
    """The Bot protocol without a sink (Slack's and Teams' path): the same figures and the XLSX as a file part."""
    async with start_govbot(config=tool_config(fake_openai.base_url)) as gb:
        bot = gb.runtime.bot
        await bot.on_message(Message("web", "kim.minsu", "/use 업무 도구", thread_id="n1", is_direct=True))
        script_the_model(fake_openai)
        attachment = Attachment("3월식비.xlsx", XLSX, flat())
        message = Message("web", "kim.minsu", QUESTION, thread_id="n1", is_direct=True, attachments=[attachment])
        reply = await bot.on_message(message)
        assert reply.kind == "answer", reply.text
        assert_figures(reply.text)
        (statement,) = [p for p in reply.parts if isinstance(p, FilePart)]
        assert statement.name == "식비집계_2026-03.xlsx" and people_in(statement.data) == PEOPLE
        assert not any(r.get("stream") for r in fake_openai.requests[-2:])
        assert_upstream_saw_no_names(fake_openai)


async def test_without_an_attached_workbook_the_model_is_told_to_ask_for_one(start_govbot, fake_openai):
    async with start_govbot(config=tool_config(fake_openai.base_url)) as gb:
        await send(gb.url, "/use 업무 도구")
        fake_openai.call_tools(("meal_costs", "{}"))
        fake_openai.reply_with("식비 내역 XLSX 파일을 첨부해 다시 보내 주세요.")
        result = await send(gb.url, "이번 달 식비 집계해 줘")
        assert result.reply["kind"] == "answer"
        assert result.reply["text"] == "식비 내역 XLSX 파일을 첨부해 다시 보내 주세요."  # nothing computed is shown
        assert not [p for p in result.reply["parts"] if p["type"] == "file"]
        tool = fake_openai.requests[-1]["messages"][-1]
        assert tool["role"] == "tool" and tool["content"].startswith("⚠️ 첨부된 식비 내역 XLSX 파일이 없습니다")


async def test_offline_the_assistant_names_the_commands_that_run_the_same_tools(start_govbot):
    async with start_govbot(offline=True) as gb:
        await send(gb.url, "/use 업무 도구")
        result = await send(gb.url, "첨부한 식당 이용 내역 정리해 줘", files=[("3월식비.xlsx", flat(), XLSX)])
        assert "`/여비`, `/식비`, `/위원회 점검`" in result.text
        command = await send(gb.url, "/식비 2026-03", files=[("3월식비.xlsx", flat(), XLSX)], thread="t2")
        assert "48,500원" in command.text and "한도 초과 2건" in command.text  # the same numbers by the command


async def test_the_model_calls_committee_check_and_gets_what_the_command_gives(start_govbot, fake_openai):
    """Three member lists attached: the model's `committee_check` shows exactly the table `/위원회 점검` shows (the
    same code), with its XLSX; no full name, birth date or phone number of the lists reaches the upstream."""
    files = [(name, data, XLSX) for name, data in committee_files()]
    async with start_govbot(config=tool_config(fake_openai.base_url)) as gb:
        command = await send(gb.url, "/위원회 점검", files=files, thread="by-command")
        assert command.reply["kind"] == "answer", command
        await send(gb.url, "/use 업무 도구")
        fake_openai.call_tools(("committee_check", "{}"))
        fake_openai.reply_with(CLOSING)
        result = await send(gb.url, "첨부한 명단에서 여러 위원회에 겹쳐 위촉된 분 찾아 줘", files=files)
        assert result.reply["kind"] == "answer", result
        assert result.reply["text"] == command.reply["text"] + "\n\n" + CLOSING
        assert [p["name"] for p in result.reply["parts"] if p["type"] == "file"] == [
            p["name"] for p in command.reply["parts"] if p["type"] == "file"
        ]
        everything = json.dumps(fake_openai.requests, ensure_ascii=False)
        for secret in ("홍길동", "김영수", "이민정", "010-1111-2222", "1970"):
            assert secret not in everything

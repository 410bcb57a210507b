"""The web chat end to end: browser-shaped HTTP requests → dispatch → gateway → fake upstream and back."""

from __future__ import annotations

import aiohttp
from sqlalchemy import select

from bot.store.models import Feedback, UsageRecord
from tests.integration.webchat import act, send


async def usage_rows(runtime) -> list[UsageRecord]:
    async with runtime.store.sessions() as session:
        return list((await session.scalars(select(UsageRecord))).all())


async def test_question_reaches_model_and_answer_streams_back_with_notice(start_govbot, fake_openai):
    fake_openai.reply_with("불법주정차 단속 기준은 도로교통법 제32조를 확인하세요.")
    async with start_govbot() as gb:
        result = await send(gb.url, "불법주정차 단속 기준을 알려줘")
        assert result.status == 200
        assert "".join(result.deltas) == "불법주정차 단속 기준은 도로교통법 제32조를 확인하세요."
        assert result.reply["kind"] == "answer"
        assert result.reply["text"] == "불법주정차 단속 기준은 도로교통법 제32조를 확인하세요."
        assert result.reply["notice"] == gb.runtime.config.organisation.ai_notice
        assert result.reply["assistant"] == "일반 도우미"
        sent = fake_openai.requests[0]
        assert sent["stream"] is True
        assert sent["messages"][0]["role"] == "system" and "한빛구청" in sent["messages"][0]["content"]
        assert sent["messages"][-1] == {"role": "user", "content": "불법주정차 단속 기준을 알려줘"}
        rows = await usage_rows(gb.runtime)
        assert [(r.department_id, r.user_id, r.provider, r.prompt_tokens, r.completion_tokens) for r in rows] == [
            ("traffic", "kim.minsu", "fake0", 11, 7)
        ]


async def test_thread_memory_carries_the_previous_turn_only_within_the_thread(start_govbot, fake_openai):
    fake_openai.reply_with("첫 답변입니다.")
    fake_openai.reply_with("두 번째 답변입니다.")
    fake_openai.reply_with("다른 대화의 답변입니다.")
    async with start_govbot() as gb:
        await send(gb.url, "첫 질문", thread="a")
        await send(gb.url, "이어서 묻습니다", thread="a")
        await send(gb.url, "새 대화 질문", thread="b")
    second = [m["content"] for m in fake_openai.requests[1]["messages"][1:]]
    assert second == ["첫 질문", "첫 답변입니다.", "이어서 묻습니다"]
    third = [m["content"] for m in fake_openai.requests[2]["messages"][1:]]
    assert third == ["새 대화 질문"]


async def test_use_command_switches_assistant_and_template_becomes_sections(start_govbot, fake_openai):
    fake_openai.reply_with(
        '## 제목\n어린이보호구역 킥보드 주차 금지\n## 부제\n12월 1일부터\n## 리드\n한빛구는…\n## 본문\n내용\n## 인용\n"안전이 먼저"\n## 문의처\n교통행정과'
    )
    async with start_govbot() as gb:
        switched = await send(gb.url, "/use 보도자료")
        assert "AI 대변인" in switched.text
        result = await send(gb.url, "스쿨존 킥보드 주차 금지 보도자료 써줘")
    system = fake_openai.requests[0]["messages"][0]["content"]
    assert "보도자료 작성 담당자" in system and "## 제목" in system and "문체·표현 지침" in system
    roles = [m["role"] for m in fake_openai.requests[0]["messages"]]
    assert roles == ["system", "user", "assistant", "user"]  # one few-shot example before the question
    sections = [p for p in result.reply["parts"] if p["type"] == "section"]
    assert [s["heading"] for s in sections] == ["제목", "부제", "리드", "본문", "인용", "문의처"]
    assert sections[0]["body"] == "어린이보호구역 킥보드 주차 금지"
    assert result.reply["assistant"] == "AI 대변인"


async def test_mentioning_an_assistant_by_name_answers_with_it(start_govbot, fake_openai):
    async with start_govbot() as gb:
        result = await send(gb.url, "@요약 오늘 회의에서 예산안을 확정했다.")
    assert result.reply["assistant"] == "문서 요약"
    assert fake_openai.requests[0]["messages"][-1]["content"] == "오늘 회의에서 예산안을 확정했다."


async def test_unknown_user_gets_clear_korean_message_and_no_model_call(start_govbot, fake_openai):
    async with start_govbot() as gb:
        result = await send(gb.url, "안녕하세요", user="stranger01")
    assert result.reply["kind"] == "error"
    assert "등록되지 않은 사용자" in result.text and "스마트정보과" in result.text
    assert fake_openai.requests == []


async def test_directory_group_header_maps_an_unlisted_official_to_a_department(start_govbot, fake_openai):
    async with start_govbot() as gb:
        result = await send(gb.url, "안녕하세요", user="new.hire", headers={"X-Forwarded-Groups": "OU=도로과"})
        rows = await usage_rows(gb.runtime)
    assert result.reply["kind"] == "answer"
    assert rows[0].department_id == "road"


async def test_without_user_header_and_dev_login_off_request_is_refused(start_govbot):
    async with start_govbot(web_dev_login=False) as gb:
        result = await send(gb.url, "안녕하세요", user=None)
    assert result.status == 401
    assert "행정포털" in result.error["message"]


async def test_dev_login_cookie_identifies_user_when_enabled(start_govbot, fake_openai):
    async with start_govbot() as gb:
        async with aiohttp.ClientSession(cookies={"govbot_dev_user": "choi.hyunwoo"}) as session:
            async with session.get(f"{gb.url}/api/session") as response:
                data = await response.json()
    assert data["user"]["name"] == "최현우" and data["user"]["department"] == "홍보담당관"
    assert any(a["name"] == "AI 대변인" for a in data["assistants"])
    assert data["default_assistant"] == "AI 대변인"  # 홍보담당관 defaults to the spokesperson
    assert data["offline"] is False


async def test_feedback_button_is_recorded_once_per_user(start_govbot, fake_openai):
    async with start_govbot() as gb:
        result = await send(gb.url, "질문")
        buttons = next(p for p in result.reply["parts"] if p["type"] == "buttons")["buttons"]
        down = next(b for b in buttons if b["value"].endswith(":down"))
        first = await act(gb.url, "feedback", down["value"])
        again = await act(gb.url, "feedback", down["value"].replace(":down", ":up"))
        forged = await act(gb.url, "feedback", "deadbeef:up")
        async with gb.runtime.store.sessions() as session:
            votes = [(f.user_id, f.value) for f in (await session.scalars(select(Feedback))).all()]
    assert "감사" in first["reply"]["text"] and "감사" in again["reply"]["text"]
    assert votes == [("kim.minsu", "up")]
    assert forged["reply"]["kind"] == "error"


async def test_text_attachment_joins_the_question_and_other_files_get_a_note(start_govbot, fake_openai):
    async with start_govbot() as gb:
        result = await send(
            gb.url,
            "첨부한 회의 메모를 정리해줘",
            files=[
                ("메모.txt", "예산 3억 원 확정\n다음 회의 12월 3일".encode(), "text/plain"),
                ("도면.pdf", b"%PDF-1.4", "application/pdf"),
            ],
        )
    prompt = fake_openai.requests[0]["messages"][-1]["content"]
    assert "[첨부: 메모.txt]" in prompt and "예산 3억 원 확정" in prompt and "%PDF" not in prompt
    assert "도면.pdf" in result.text


async def test_cp949_text_attachment_is_decoded(start_govbot, fake_openai):
    async with start_govbot() as gb:
        await send(gb.url, "내용 확인", files=[("목록.txt", "가로등 고장 신고".encode("cp949"), "text/plain")])
    assert "가로등 고장 신고" in fake_openai.requests[0]["messages"][-1]["content"]


async def test_too_large_upload_is_refused_with_a_message(start_govbot, fake_openai):
    async with start_govbot(max_upload_mb=1) as gb:
        big = b"a" * (1024 * 1024 + 10)
        result = await send(gb.url, "큰 파일", files=[("big.txt", big, "text/plain")])
    assert result.reply["kind"] == "error" and "너무 큽니다" in result.text
    assert fake_openai.requests == []


async def test_page_and_health_are_served(start_govbot):
    async with start_govbot() as gb:
        async with aiohttp.ClientSession() as session:
            async with session.get(gb.url + "/") as page:
                html = await page.text()
            async with session.get(gb.url + "/healthz") as health:
                status = await health.json()
    assert '<html lang="ko">' in html and "govbot" in html
    assert status == {"status": "ok", "offline": False, "organisation": "한빛구청"}

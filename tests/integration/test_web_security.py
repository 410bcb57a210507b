"""Attacks on the running web chat (adapters/web) found by the outside test, replayed over HTTP on 127.0.0.1.

Each test says the attack in a comment; each failed on the code before its fix.
"""

from __future__ import annotations

import json
import logging

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.store.models import Feedback, UsageRecord
from tests.integration.webchat import send
from tests.integration.webpage import run_page

ADMIN = "park.jiyoung"  # 교통행정과 admin in the shipped app.yaml
EVIL = "https://evil.example"


async def post(url: str, path: str, headers: dict[str, str], **body) -> tuple[int, str, str]:
    async with aiohttp.ClientSession() as session:
        async with session.post(url + path, headers=headers, **body) as response:
            return response.status, response.content_type, await response.text()


async def daily_token_limit(gb) -> int | None:
    return {s.name: s.value for s in await gb.runtime.bundle.quota.status("traffic")}["tokens_per_day"]


async def usage_rows(gb) -> list[UsageRecord]:
    async with gb.runtime.store.sessions() as session:
        return list((await session.scalars(select(UsageRecord))).all())


# ---- item 12: cross-site request forgery ----------------------------------------------------------------


def _form(text: str) -> aiohttp.FormData:
    form = aiohttp.FormData(default_to_multipart=True)  # multipart/form-data, as an upload form sends
    form.add_field("text", text)
    form.add_field("thread", "csrf")
    return form


CROSS_SITE_ATTEMPTS = {
    # <form method=post action=…/api/chat> auto-submitted from another site: urlencoded, browser adds Origin.
    "form_from_other_site": lambda: ({"Origin": EVIL}, {"data": {"text": "/quota set tokens_per_day 1"}}),
    # The same form with enctype=multipart/form-data.
    "multipart_from_other_site": lambda: ({"Origin": EVIL}, {"data": _form("/quota set tokens_per_day 1")}),
    # A form whose Origin a privacy extension stripped; only Sec-Fetch-Site tells where it came from.
    "multipart_sec_fetch_cross_site": lambda: (
        {"Sec-Fetch-Site": "cross-site"},
        {"data": _form("/quota set tokens_per_day 1")},
    ),
    # Another intranet host (same-site, different origin).
    "json_from_sibling_host": lambda: (
        {"Origin": "http://wiki.intranet.example", "Sec-Fetch-Site": "same-site"},
        {"json": {"text": "/quota set tokens_per_day 1", "thread": "csrf"}},
    ),
    # enctype=text/plain trick: a JSON-looking body that a form can send without a preflight.
    "text_plain_json": lambda: (
        {"Origin": EVIL, "Content-Type": "text/plain"},
        {"data": json.dumps({"text": "/quota set tokens_per_day 1", "thread": "csrf"})},
    ),
    # Sandboxed iframe / file: page: Origin "null".
    "null_origin_json": lambda: ({"Origin": "null"}, {"json": {"text": "/quota set tokens_per_day 1"}}),
    # No Origin at all but a form type: never a non-browser client's JSON, so refused.
    "urlencoded_without_origin": lambda: ({}, {"data": {"text": "/quota set tokens_per_day 1"}}),
    "multipart_without_origin": lambda: ({}, {"data": _form("/quota set tokens_per_day 1")}),
}


@pytest.mark.parametrize("attempt", sorted(CROSS_SITE_ATTEMPTS))
async def test_a_cross_site_page_cannot_change_quotas_as_a_signed_in_admin(start_govbot, fake_openai, attempt):
    # Attack: the portal's proxy adds X-Forwarded-User to every request, so a page on another site that
    # makes an admin's browser POST to /api/chat ran "/quota set" as that admin.
    extra, body = CROSS_SITE_ATTEMPTS[attempt]()
    async with start_govbot() as gb:
        before = await daily_token_limit(gb)
        status, content_type, text = await post(gb.url, "/api/chat", {"X-Forwarded-User": ADMIN, **extra}, **body)
        after = await daily_token_limit(gb)
    assert status in (403, 415), text
    assert content_type == "application/json" and json.loads(text)["message"]
    assert after == before != 1


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
async def test_a_cross_site_form_cannot_press_buttons(start_govbot, fake_openai, content_type):
    # Attack: /api/action parsed the body as JSON whatever its Content-Type, so a text/plain form from another
    # site could press any button (feedback, complaint forwarding) for the signed-in user.
    async with start_govbot() as gb:
        answer = await send(gb.url, "주차 단속 시간 알려줘", user=ADMIN)
        value = f"{answer.reply['answer_id']}:down"
        body = json.dumps({"action": "feedback", "value": value})
        status, _, text = await post(
            gb.url, "/api/action", {"X-Forwarded-User": ADMIN, "Origin": EVIL, "Content-Type": content_type}, data=body
        )
        no_origin, _, _ = await post(
            gb.url, "/api/action", {"X-Forwarded-User": ADMIN, "Content-Type": content_type}, data=body
        )
        async with gb.runtime.store.sessions() as session:
            recorded = await session.scalar(select(func.count()).select_from(Feedback))
    assert status == 403 and no_origin == 415, text
    assert recorded == 0


async def test_same_origin_pages_and_json_clients_still_work(start_govbot, fake_openai):
    # The defence must not lock out the page itself (Origin = its own host, multipart for uploads) or a
    # script that posts JSON without any browser headers.
    async with start_govbot() as gb:
        host = gb.url.removeprefix("http://")
        upload = await post(
            gb.url,
            "/api/chat",
            {"X-Forwarded-User": ADMIN, "Origin": gb.url, "Sec-Fetch-Site": "same-origin"},
            data=_form("/quota set tokens_per_day 50000"),
        )
        script = await post(
            gb.url, "/api/chat", {"X-Forwarded-User": ADMIN}, json={"text": "/help", "thread": "script"}
        )
        proxied = await post(  # behind the portal: Host is rewritten, X-Forwarded-Host keeps the public name
            gb.url,
            "/api/chat",
            {
                "X-Forwarded-User": ADMIN,
                "Origin": "https://govbot.hanbit.go.kr",
                "X-Forwarded-Host": "govbot.hanbit.go.kr",
            },
            json={"text": "/help"},
        )
        limit = await daily_token_limit(gb)
    assert upload[0] == 200 and script[0] == 200 and proxied[0] == 200, (upload, script, proxied, host)
    assert limit == 50_000


async def test_the_page_script_posts_json_and_uploads_only_same_origin(start_govbot, fake_openai):
    # The page's own JavaScript (adapters/web/static/app.js) run against the server: text goes as JSON,
    # attachments as multipart with the browser's Origin, and every reply arrives (none refused).
    async with start_govbot() as gb:
        page = await run_page(
            gb.url,
            "kim.minsu",
            [
                {"text": "주차 단속 시간 알려줘"},
                {"text": "첨부 내용을 요약해 줘", "files": [["메모.txt", "견인 절차 메모"]]},
            ],
        )
    posts = [(c["url"], c["contentType"]) for c in page["calls"] if c["method"] == "POST"]
    assert posts == [("/api/chat", "application/json"), ("/api/chat", "multipart/form-data")]
    assert [shown["last"]["className"] for shown in page["after"][1:]] == ["msg bot answer", "msg bot answer"]


# ---- item 18: bad input gives a JSON answer, never a plain-text 500 ----------------------------------------


@pytest.mark.parametrize("body", ["[1, 2]", '"질문"', "null", "{broken", '{"text": ["목록"]}'])
async def test_chat_bodies_that_are_not_a_json_object_get_a_clear_400(start_govbot, fake_openai, body):
    # Attack: a JSON array or string as the /api/chat body raised AttributeError: a plain-text 500.
    async with start_govbot() as gb:
        status, content_type, text = await post(
            gb.url, "/api/chat", {"X-Forwarded-User": "kim.minsu", "Content-Type": "application/json"}, data=body
        )
    assert (status, content_type) == (400, "application/json")
    assert "JSON" in json.loads(text)["message"]


@pytest.mark.parametrize("body", [b"not json", b"[]", b"\xff\xfe\x00"])
async def test_action_bodies_that_are_not_a_json_object_get_a_clear_400(start_govbot, fake_openai, body):
    # Attack: /api/action with a non-JSON body raised JSONDecodeError: a plain-text 500.
    async with start_govbot() as gb:
        status, content_type, text = await post(
            gb.url, "/api/action", {"X-Forwarded-User": "kim.minsu", "Content-Type": "application/json"}, data=body
        )
    assert (status, content_type) == (400, "application/json")
    assert json.loads(text)["message"]


async def test_a_5mb_message_is_refused_as_too_long_before_any_quota(start_govbot, fake_openai):
    # Attack/new user: one 5 MB paste was refused as "daily limit reached" with 0 used (its token estimate
    # exceeded the budget), which sends the user to the admin instead of telling them what is wrong.
    huge = "가" * (5 * 1024 * 1024 // 3)
    async with start_govbot(max_message_chars=2_000) as gb:
        result = await send(gb.url, huge)
        at_limit = await send(gb.url, "요약해 줘 " + "나" * 1_900, thread="t2")
        used = {s.name: s.used for s in await gb.runtime.bundle.quota.status("traffic")}
    assert result.reply["kind"] == "error"
    assert "메시지가 너무 깁니다" in result.text and "최대 2,000자" in result.text
    assert "한도" not in result.text
    assert fake_openai.requests and huge not in fake_openai.everything_sent()
    assert at_limit.reply["kind"] == "answer"
    assert used["requests_per_day"] == 1  # only the message within the limit


async def test_a_bom_csv_with_broken_utf8_gets_a_clear_answer(start_govbot, fake_openai):
    # Attack: a complaint list starting with a UTF-8 BOM but containing invalid bytes raised
    # UnicodeDecodeError out of the triage skill (an internal error instead of what to do).
    data = b"\xef\xbb\xbf" + "접수번호,접수일,민원내용\nA-1,2026-11-19,킥보드 방치\n".encode() + b"\xff\xfe broken\n"
    async with start_govbot() as gb:
        await send(gb.url, "/use 민원 정리", thread="csv")
        result = await send(
            gb.url, "첨부한 민원을 우선순위별로 정리해줘", thread="csv", files=[("민원목록.csv", data, "text/csv")]
        )
    assert result.status == 200
    assert "오류 번호" not in result.text
    assert "BOM" in result.text and "다시 저장" in result.text


async def test_overlong_user_ids_are_refused_before_the_database_and_nothing_is_logged(
    start_govbot, fake_openai, database, caplog
):
    # Attack: a portal header user id of 200 characters, mapped to a department by its directory group,
    # hit PostgreSQL's varchar(128): a 500 whose log line carried the SQL parameters (user ids, content).
    url, schema = database
    long_id = "공격자" + "x" * 197
    caplog.set_level(logging.INFO)
    async with start_govbot(database_url=url, schema=schema) as gb:
        status, content_type, text = await post(
            gb.url,
            "/api/chat",
            {"X-Forwarded-User": long_id, "X-Forwarded-Groups": "OU=교통행정과"},
            json={"text": "민감한 질문 내용입니다", "thread": "t"},
        )
        edge = await send(gb.url, "질문", user="y" * 126, headers={"X-Forwarded-Groups": "OU=교통행정과"})
    assert (status, content_type) == (400, "application/json")
    assert "사용자 ID가 너무 깁니다" in json.loads(text)["message"]
    # 126 characters fit the header check but become "web:" + 126 as a guest id: refused in the core.
    assert edge.reply["kind"] == "error" and "사용자 ID가 너무 깁니다" in edge.text
    assert long_id not in caplog.text and "민감한 질문" not in caplog.text
    assert "parameters" not in caplog.text.lower() and "Traceback" not in caplog.text


# ---- small things a new user ran into --------------------------------------------------------------------


async def test_at_name_asks_one_question_and_the_conversation_keeps_its_assistant(start_govbot, fake_openai):
    # README: "@이름 질문" and "이름: 질문" ask that assistant one question. They switched the thread for good.
    async with start_govbot() as gb:
        first = await send(gb.url, "주차 단속 시간 알려줘", thread="one-off")
        named = await send(gb.url, "@AI 대변인 킥보드 견인 보도자료 써줘", thread="one-off")
        after = await send(gb.url, "고마워요, 다른 질문입니다", thread="one-off")
        colon = await send(gb.url, "AI 대변인: 제목만 다듬어 줘", thread="one-off")
        last = await send(gb.url, "마지막 질문", thread="one-off")
    assert named.reply["assistant"] == colon.reply["assistant"] == "AI 대변인"
    assert after.reply["assistant"] == last.reply["assistant"] == first.reply["assistant"] != "AI 대변인"
    assert named.reply["thread_assistant"] is None


async def test_the_page_menu_follows_use_but_not_one_off_questions(start_govbot, fake_openai):
    # The page's own script: after "/use" of an assistant published since the page loaded, the menu and
    # starter buttons stayed on the old one until a reload; a one-off "@이름" question moved the menu.
    prompt = "당신은 교통행정과의 킥보드 견인 안내 도우미입니다. 견인 절차와 보관소를 안내합니다."
    async with start_govbot() as gb:
        page = await run_page(
            gb.url,
            "kim.minsu",
            [
                {"text": "주차 단속 시간 알려줘"},
                {"text": "@AI 대변인 킥보드 견인 보도자료 써줘"},
                {"text": f"/assistant create 킥보드 안내\n{prompt}"},
                {"text": "/assistant publish 킥보드 안내"},
                {"text": "/use 킥보드 안내"},
            ],
        )
    loaded, _, one_off, *_, used = page["after"]
    assert one_off["assistant"] == loaded["assistant"] != "AI 대변인"
    assert one_off["starters"] == loaded["starters"]
    assert used["assistant"] == "킥보드 안내", used


async def test_assistants_are_listed_once(start_govbot, fake_openai):
    # /assistants printed every assistant twice: as bullets in the text, then the same rows as a table.
    async with start_govbot() as gb:
        listing = await send(gb.url, "/assistants")
    [table] = [p for p in listing.reply["parts"] if p["type"] == "table"]
    names = [row[0] for row in table["rows"]]
    assert "AI 대변인" in names
    assert all(name not in listing.text for name in names)


async def test_offline_cannot_write_replies_cost_the_department_nothing(start_govbot, fake_openai):
    # Offline, "I cannot write this" was recorded as ~370 estimated tokens and counted against the quota.
    async with start_govbot(offline=True) as gb:
        for question in ("보도자료 초안을 써줘", "민원 회신문 작성해 줘", "법령 해석해 줘"):
            reply = await send(gb.url, question)
            assert "생성형 AI 모델이 연결되어 있지 않아" in reply.text
        used = {s.name: s.used for s in await gb.runtime.bundle.quota.status("traffic")}
        rows = await usage_rows(gb)
    assert rows == []
    assert used["tokens_per_day"] == 0 and used["requests_per_day"] == 0


async def test_the_api_refuses_an_overlong_message_as_too_long_not_over_quota(start_govbot, fake_openai):
    # The same 5 MB message through /v1/chat/completions was answered 429 "daily limit reached".
    async with start_govbot(max_message_chars=2_000) as gb:
        key, _ = await gb.runtime.store.keys.create("traffic", "민원 분석 도구", "park.jiyoung")
        question = {"model": "default", "messages": [{"role": "user", "content": "가" * (5 * 1024 * 1024 // 3)}]}
        status, content_type, text = await post(
            gb.url, "/v1/chat/completions", {"Authorization": f"Bearer {key}"}, json=question
        )
        used = {s.name: s.used for s in await gb.runtime.bundle.quota.status("traffic")}
    assert (status, content_type) == (400, "application/json")
    error = json.loads(text)["error"]
    assert error["code"] == "message_too_long" and "최대 2,000자" in error["message"]
    assert used["requests_per_day"] == 0 and fake_openai.requests == []

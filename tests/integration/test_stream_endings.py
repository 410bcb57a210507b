"""How answers that do not end well are shown and billed, attacked over HTTP on 127.0.0.1 (items 9, 10, 18).

An upstream stream can stop early and *cleanly* (a proxy that times out, a restarting server: `[DONE]`
without a finish reason), send broken JSON, or the reader can leave mid-answer. None of these may look
like a whole answer, bill nothing for text that was delivered, or leave a traceback.
"""

from __future__ import annotations

import asyncio
import json
import logging

import aiohttp
import openai
from sqlalchemy import select

from bot.gateway.stream import estimate_tokens
from bot.store.models import UsageRecord
from tests.integration.test_openai_endpoint import client_for
from tests.integration.webchat import send

ANSWER = "불법 주정차 견인 절차는 다음과 같습니다. " * 6  # 8-character chunks from the fake: 21 of them
# Long enough to stream for seconds: the output filters hold back about 100 characters before sending.
LONG_ANSWER = ANSWER * 8


async def usage_rows(gb) -> list[UsageRecord]:
    async with gb.runtime.store.sessions() as session:
        return list((await session.scalars(select(UsageRecord))).all())


async def wait_for_usage(gb, seconds: float = 8.0) -> list[UsageRecord]:
    for _ in range(int(seconds / 0.1)):
        rows = await usage_rows(gb)
        if rows:
            return rows
        await asyncio.sleep(0.1)
    return []


async def test_a_cut_off_stream_is_shown_as_incomplete_in_the_web_chat_and_billed_as_delivered(
    start_govbot, fake_openai
):
    # Attack: the upstream ends the stream after two chunks with [DONE] and no finish_reason. The chat showed
    # the fragment as a complete answer: AI notice, feedback buttons, nothing to say it was cut off.
    fake_openai.reply_with(ANSWER, cut_stream_after=2, usage=None)
    async with start_govbot() as gb:
        result = await send(gb.url, "견인 절차를 자세히 알려줘")
        rows = await usage_rows(gb)
    delivered = "".join(result.deltas)
    assert delivered == ANSWER[:16]
    assert result.reply["kind"] == "incomplete"
    assert result.text.startswith(delivered) and "답변이 중간에 끊겨 완전하지 않습니다" in result.text
    assert not [p for p in result.reply["parts"] if p["type"] == "buttons"]  # no feedback as if whole
    assert result.reply["answer_id"] is None
    [row] = rows  # billed: what was delivered, not nothing and not the whole answer
    assert row.completion_tokens == estimate_tokens(delivered) < estimate_tokens(ANSWER)


async def test_a_cut_off_stream_ends_the_api_stream_with_an_error_event(start_govbot, fake_openai):
    # Attack: the same cut-off upstream through /v1/chat/completions ended with finish_reason "stop", so an
    # OpenAI client took the fragment for a whole answer.
    fake_openai.reply_with(ANSWER, cut_stream_after=3, usage=None)
    async with start_govbot() as gb:
        client = await client_for(gb)
        stream = await client.chat.completions.create(
            model="default", messages=[{"role": "user", "content": "견인 절차"}], stream=True
        )
        pieces, finishes = [], []
        try:
            async for chunk in stream:
                for choice in chunk.choices:
                    pieces.append(choice.delta.content or "")
                    finishes.append(choice.finish_reason)
            raised = None
        except openai.APIError as error:
            raised = error
        used = {s.name: s.used for s in await gb.runtime.bundle.quota.status("traffic")}
        rows = await usage_rows(gb)
    assert "".join(pieces) == ANSWER[:24]
    assert "stop" not in finishes
    assert raised is not None and "끊겼습니다" in str(raised)
    [row] = rows
    assert row.completion_tokens == estimate_tokens(ANSWER[:24])
    assert used["tokens_per_month"] == row.prompt_tokens + row.completion_tokens > 0


async def test_malformed_upstream_json_becomes_an_openai_error_and_a_clear_chat_message(start_govbot, fake_openai):
    # Attack: an upstream (or a proxy in front of it) answers 200 with JSON broken off mid-object. /v1 gave
    # a plain-text 500 (non-streamed) or a dropped connection (streamed); the chat an "internal error".
    for _ in range(2 + 1 + 1):  # non-streamed /v1 tries twice (max_retries=1); one /v1 stream; one chat
        fake_openai.reply_with(ANSWER, malformed=True)
    async with start_govbot() as gb:
        key, _ = await gb.runtime.store.keys.create("traffic", "민원 분석 도구", "park.jiyoung")
        headers = {"Authorization": f"Bearer {key}"}
        question = {"model": "default", "messages": [{"role": "user", "content": "견인 절차"}]}
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{gb.url}/v1/chat/completions", json=question, headers=headers) as response:
                plain = (response.status, response.content_type, await response.text())
            async with session.post(
                f"{gb.url}/v1/chat/completions", json={**question, "stream": True}, headers=headers
            ) as response:
                streamed = await response.text()
        chat = await send(gb.url, "견인 절차 알려줘")
        rows = await usage_rows(gb)
    status, content_type, body = plain
    assert (status, content_type) == (503, "application/json")
    error = json.loads(body)["error"]
    assert "알아볼 수 없는 응답" in error["message"] and error["type"] == "server_error"
    events = [json.loads(line[6:]) for line in streamed.splitlines() if line.startswith("data: {")]
    assert "알아볼 수 없는 응답" in events[-1]["error"]["message"] and streamed.rstrip().endswith("data: [DONE]")
    assert chat.reply["kind"] == "error" and "알아볼 수 없는 응답" in chat.text and "오류 번호" not in chat.text
    assert rows == []  # failed calls cost nothing


async def test_an_api_client_that_drops_the_stream_pays_for_what_it_got_and_leaves_one_log_line(
    start_govbot, fake_openai, caplog
):
    # Attack: read two chunks of a streamed answer, then hang up. The department paid nothing and the
    # server logged an unhandled ClientConnectionResetError traceback.
    caplog.set_level(logging.INFO)
    fake_openai.reply_with(LONG_ANSWER, chunk_delay=0.03, usage=None)
    async with start_govbot() as gb:
        key, _ = await gb.runtime.store.keys.create("traffic", "민원 분석 도구", "park.jiyoung")
        question = {"model": "default", "stream": True, "messages": [{"role": "user", "content": "견인 절차"}]}
        got = ""
        async with aiohttp.ClientSession() as session:
            async with session.post(
                f"{gb.url}/v1/chat/completions", json=question, headers={"Authorization": f"Bearer {key}"}
            ) as response:
                async for line in response.content:
                    if line.startswith(b"data: {"):
                        got += json.loads(line[6:])["choices"][0]["delta"].get("content", "")
                    if len(got) >= 16:
                        break
                response.connection.transport.abort()  # hang up without reading the rest
        rows = await wait_for_usage(gb)
    [row] = rows
    assert estimate_tokens(got) <= row.completion_tokens < estimate_tokens(LONG_ANSWER) // 2
    assert caplog.text.count("went away") == 1
    assert "Traceback" not in caplog.text and "Error handling request" not in caplog.text
    assert "견인" not in caplog.text  # no content in logs


async def test_a_web_page_closed_mid_answer_is_billed_for_what_was_shown_without_a_traceback(
    start_govbot, fake_openai, caplog
):
    # Attack: close the chat page while the answer streams in. Nothing was billed; the dispatcher logged an
    # internal error with a traceback and aiohttp another one.
    caplog.set_level(logging.INFO)
    fake_openai.reply_with(LONG_ANSWER, chunk_delay=0.03, usage=None)
    async with start_govbot() as gb:
        shown = ""
        async with aiohttp.ClientSession() as session:
            async with session.post(
                f"{gb.url}/api/chat",
                json={"text": "견인 절차를 알려줘", "thread": "gone"},
                headers={"X-Forwarded-User": "kim.minsu"},
            ) as response:
                async for line in response.content:
                    event = json.loads(line)
                    shown += event.get("text", "") if event["type"] == "delta" else ""
                    if len(shown) >= 16:
                        break
                response.connection.transport.abort()
        rows = await wait_for_usage(gb)
    [row] = rows
    assert estimate_tokens(shown) <= row.completion_tokens < estimate_tokens(LONG_ANSWER) // 2
    assert caplog.text.count("went away") == 1
    assert "Traceback" not in caplog.text and "dispatch failed" not in caplog.text
    assert "견인" not in caplog.text

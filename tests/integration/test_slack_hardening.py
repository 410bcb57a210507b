"""Slack security regressions found by an outside attack test, each replayed against a running govbot over
HTTP on 127.0.0.1, with the fake Slack Web API enforcing Slack's real limits and error replies."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from urllib.parse import quote

from tests.fakes.slack_server import FakeSlack
from tests.integration.slack_support import (
    block_texts,
    channel_message,
    envelope,
    mention,
    send_event,
    send_raw,
    sign,
)

# ---- 14: malformed bodies, signature first, no content in the log -------------------------------------------

SECRET_TEXT = "민원인 홍길동 010-2345-6789 비밀 내용"
MALFORMED = [
    ("application/json", "{not json " + SECRET_TEXT),
    ("application/json", json.dumps([SECRET_TEXT], ensure_ascii=False)),
    ("application/json", json.dumps({"type": "event_callback", "event_id": "Ev1", "event": None})),
    ("application/json", json.dumps({"type": "event_callback", "event": {"type": "message"}, "authorizations": 5})),
    ("application/x-www-form-urlencoded", "payload=" + quote("{broken " + SECRET_TEXT)),
    ("application/x-www-form-urlencoded", "payload=" + quote(json.dumps({"type": "block_actions", "user": "x"}))),
    ("application/x-www-form-urlencoded", "payload=" + quote(json.dumps([1, 2]))),
]


async def post_bytes(url: str, body: bytes, content_type: str, headers: dict[str, str]):
    import aiohttp

    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{url}/slack/events", data=body, headers={"Content-Type": content_type, **headers}
        ) as response:
            return response.status, await response.text()


async def test_malformed_bodies_get_401_unsigned_and_400_signed_never_500_and_no_content_is_logged(
    slack_govbot, fake_slack, fake_openai, caplog
):
    # Attack: an outsider posts malformed bodies (bad JSON, an array, "event": null, a broken payload=,
    # bytes that are not UTF-8, a non-numeric timestamp) to /slack/events without knowing the signing secret.
    # Before the fix bolt parsed them before checking the signature: 500 with a traceback, and on a failed
    # signature bolt logged the whole body (message text) at INFO.
    caplog.set_level(logging.DEBUG)
    async with slack_govbot() as gb:
        statuses = []
        for content_type, body in MALFORMED:
            forged = await send_raw(gb.url, body, content_type, secret="not-the-signing-secret")
            signed = await send_raw(gb.url, body, content_type)
            statuses.append((forged.status, signed.status))
        # Non-UTF-8 bytes, unsigned and signed.
        raw = "가".encode("cp949") + b"\xff\xfe" + SECRET_TEXT.encode("cp949")
        ts = str(int(time.time()))
        unsigned_bytes = await post_bytes(gb.url, raw, "application/json", {"X-Slack-Request-Timestamp": ts})
        import hashlib
        import hmac

        from tests.integration.slack_support import SIGNING_SECRET

        digest = hmac.new(SIGNING_SECRET.encode(), b"v0:" + ts.encode() + b":" + raw, hashlib.sha256).hexdigest()
        signed_bytes = await post_bytes(
            gb.url, raw, "application/json", {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": "v0=" + digest}
        )
        # A timestamp that is not a number, and one with a valid-looking signature over it.
        body = json.dumps(envelope(mention(SECRET_TEXT)), ensure_ascii=False)
        words = await send_raw(gb.url, body, "application/json", headers={"X-Slack-Request-Timestamp": "지금"})
        bad_ts = await post_bytes(
            gb.url,
            body.encode(),
            "application/json",
            {"X-Slack-Request-Timestamp": "1e9", "X-Slack-Signature": sign(body, 0).replace("0", "1", 1)},
        )
        # The endpoint still works afterwards.
        ok = await send_event(gb.url, mention("정상 질문"))
        await fake_slack.wait_for(lambda: fake_openai.requests)
    assert statuses == [(401, 400)] * len(MALFORMED)
    assert unsigned_bytes[0] == 401 and signed_bytes[0] == 400
    assert words.status == 401 and bad_ts[0] == 401
    assert ok.status == 200
    assert "Traceback" not in caplog.text and "handling failed" not in caplog.text
    assert "홍길동" not in caplog.text and "비밀 내용" not in caplog.text and "010-2345-6789" not in caplog.text
    assert "slack request refused" in caplog.text  # the refusals are logged, by category only


async def test_bolt_signature_failure_log_line_keeps_no_body(caplog):
    # Attack: the same forged request handed to bolt itself (as Socket Mode or a future route might):
    # bolt's verification middleware logs "body: {...}" at INFO; our filter on bolt's loggers cuts it.
    from slack_bolt.async_app import AsyncApp
    from slack_bolt.request.async_request import AsyncBoltRequest

    from adapters.slack.app import _BOLT_LOG

    caplog.set_level(logging.DEBUG)
    from slack_sdk.web.async_client import AsyncWebClient

    app = AsyncApp(signing_secret="secret", client=AsyncWebClient(token="xoxb-x"), logger=_BOLT_LOG)
    body = json.dumps(envelope(mention(SECRET_TEXT)), ensure_ascii=False)
    ts = str(int(time.time()))
    request = AsyncBoltRequest(
        body=body, headers={"x-slack-request-timestamp": ts, "x-slack-signature": "v0=" + "0" * 64}
    )
    response = await app.async_dispatch(request)
    assert response.status == 401
    assert "Invalid request signature" in caplog.text
    assert "홍길동" not in caplog.text and "비밀 내용" not in caplog.text


# ---- 15: the final answer is never lost to a refused chat.update ---------------------------------------------


def thread_messages(fake: FakeSlack, channel: str) -> list[str]:
    """What the channel shows now (the fake keeps each message as last posted or updated)."""
    return [
        block_texts(m.get("blocks")) or str(m.get("text") or "") for (c, _), m in fake.messages.items() if c == channel
    ]


async def test_a_very_long_answer_is_cut_to_fit_with_the_whole_text_as_a_file(slack_govbot, fake_slack, fake_openai):
    # Attack: ask for an answer longer than one Slack message can hold (about 20,000 characters). Real Slack
    # refuses such an update with msg_blocks_too_long (the fake does too); before the fix the answer was lost
    # and the official saw "작성 중…" forever.
    answer = "\n\n".join(
        f"{i}번 항목: 스쿨존 전동킥보드 주차 금지 구역과 단속 기준을 안내합니다. " * 4 for i in range(120)
    )
    assert len(answer) > 20_000
    fake_openai.reply_with(answer)
    async with slack_govbot() as gb:
        event = mention("킥보드 단속 기준 아주 자세히")
        await send_event(gb.url, event)
        await fake_slack.wait_for(lambda: fake_slack.called("files.completeUploadExternal"), timeout=20)
    shown = thread_messages(fake_slack, "C0TRAFFIC01")
    assert not [m for m in shown if "작성 중" in m]  # no placeholder left hanging
    [final] = [m for m in shown if "0번 항목" in m]
    assert "답변_전문.txt" in final and "앞부분만" in final
    assert not [e for _, e in fake_slack.refused if e in ("msg_blocks_too_long", "invalid_blocks")]
    [whole] = [data for data in fake_slack.uploads.values()]
    assert "119번 항목" in whole.decode("utf-8")
    complete = fake_slack.called("files.completeUploadExternal")[0].args
    assert complete["channel_id"] == "C0TRAFFIC01" and complete["thread_ts"] == event["ts"]


async def test_answer_whose_placeholder_was_deleted_arrives_as_a_new_message(slack_govbot, fake_slack, fake_openai):
    # Attack: the "작성 중…" placeholder is deleted (by the official or a moderator) while the answer is written;
    # chat.update then gets message_not_found. Before the fix the answer was dropped; now it is posted anew.
    fake_openai.reply_with("삭제된 자리 대신 새 메시지로 드리는 답변입니다.", delay=1.0)
    async with slack_govbot() as gb:
        event = mention("자리표시 삭제 시험")
        await send_event(gb.url, event)
        [placeholder] = await fake_slack.wait_for(lambda: fake_slack.called("chat.postMessage"))
        placeholder_ts = next(ts for (c, ts) in fake_slack.messages if c == "C0TRAFFIC01")
        fake_slack.delete_message("C0TRAFFIC01", placeholder_ts)
        posts = await fake_slack.wait_for(
            lambda: [
                c
                for c in fake_slack.called("chat.postMessage")
                if "새 메시지로 드리는 답변" in block_texts(c.args.get("blocks"))
            ]
        )
    assert posts[0].args["thread_ts"] == event["ts"] and placeholder.args["thread_ts"] == event["ts"]
    assert ("message_not_found" in [e for _, e in fake_slack.refused]) is True
    assert [m for m in thread_messages(fake_slack, "C0TRAFFIC01") if "새 메시지로 드리는 답변" in m]


# ---- 16: a thread keeps its assistant; progress edits stay within Slack's rate tier --------------------------


async def test_a_reply_from_another_departments_official_does_not_switch_the_threads_assistant(
    slack_govbot, fake_slack, fake_openai
):
    # Attack: a 교통행정과 official starts a thread with the general assistant; a 홍보담당관 official (whose
    # department's default is the AI spokesperson) replies in the thread. Before the fix the reply was answered
    # by the spokesperson: the thread's assistant switched with whoever spoke.
    fake_openai.reply_with("교통 답변입니다.")
    fake_openai.reply_with("같은 도우미의 답변입니다.")
    async with slack_govbot() as gb:
        root = mention("주차 단속 안내문 써줘", user="U0TRAF0002", channel="C0TRAFFIC01")
        await send_event(gb.url, root)
        await fake_slack.wait_for(lambda: len(fake_openai.requests) == 1)
        await send_event(
            gb.url,
            channel_message("홍보 관점도 넣어줘", user="U0PRES0002", channel="C0TRAFFIC01", thread_ts=root["ts"]),
        )
        await fake_slack.wait_for(lambda: len(fake_openai.requests) == 2)
    first, second = (r["messages"][0]["content"] for r in fake_openai.requests)
    assert "보도자료 작성 담당자" not in second  # not the spokesperson
    assert second == first  # the same assistant's prompt
    assert fake_openai.requests[1]["messages"][-1]["content"] == "홍보 관점도 넣어줘"


def streaming_answers(seconds: float, steps: int):
    """An interceptor that writes each answer in `steps` pieces over `seconds` (like a model streaming)."""
    from bot.conversation import Reply

    async def stream(turn, sink):
        if not turn.message.text.startswith("동시 질문"):
            return None
        number = turn.message.text.split()[-1]
        for step in range(steps):
            await sink.delta(f"{number}번 답변 {step} ")
            await asyncio.sleep(seconds / steps)
        return Reply(f"{number}번 답변 완료")

    return stream


async def test_twenty_concurrent_answers_stay_within_chat_update_tier_and_all_finals_arrive(
    slack_govbot, fake_slack, fake_openai
):
    # Attack: 20 officials ask at once in two channels; each answer streams for 3 s. Before the fix every
    # answer edited its "작성 중…" every update interval: hundreds of chat.update calls a minute, far beyond
    # Tier 3 (~50/min per workspace), so Slack answered 429 and final answers were delayed or lost.
    async with slack_govbot(interceptors=[streaming_answers(3.0, 15)]) as gb:
        channels = ["C0TRAFFIC01", "C0PRESS001"]
        await asyncio.gather(
            *(
                send_event(gb.url, mention(f"동시 질문 {n}", user="U0TRAF0002", channel=channels[n % 2]))
                for n in range(20)
            )
        )
        await fake_slack.wait_for(
            lambda: sum(1 for m in fake_slack.messages.values() if "답변 완료" in block_texts(m.get("blocks"))) == 20,
            timeout=60,
        )
    shown = [block_texts(m.get("blocks")) for m in fake_slack.messages.values()]
    assert sorted(int(s.split("번")[0]) for s in shown if "답변 완료" in s) == list(range(20))
    assert not [s for s in shown if "작성 중" in s]
    assert fake_slack.ratelimited() == []  # never beyond the tier
    interim = [c for c in fake_slack.called("chat.update") if "작성 중" in block_texts(c.args.get("blocks"))]
    for channel in channels:
        times = sorted(c.at for c in interim if c.args["channel"] == channel)
        assert all(b - a >= 0.15 for a, b in zip(times, times[1:], strict=False))  # paced per channel


async def test_retry_after_is_honoured_by_every_answer_and_no_final_is_dropped(slack_govbot, fake_slack, fake_openai):
    # Attack: a busy workspace whose chat.update budget is small (the fake allows 3 at once, 20 a minute).
    # Slack answers 429 with Retry-After; before the fix the other answers kept editing during the wait
    # (and the throttled one retried), so the 429s multiplied. After a 429 nothing may call chat.update
    # until Retry-After has passed, and every final answer still arrives.
    fake_slack.update_burst, fake_slack.updates_per_minute = 3, 20
    async with slack_govbot(interceptors=[streaming_answers(2.0, 10)]) as gb:
        await asyncio.gather(*(send_event(gb.url, mention(f"동시 질문 {n}", channel="C0TRAFFIC01")) for n in range(6)))
        await fake_slack.wait_for(
            lambda: sum(1 for m in fake_slack.messages.values() if "답변 완료" in block_texts(m.get("blocks"))) == 6,
            timeout=90,
        )
    throttled = fake_slack.ratelimited()
    assert throttled  # the budget was exceeded at least once, so Retry-After was exercised
    updates = fake_slack.called("chat.update")
    for refused in throttled:
        # Calls already on their way when Slack answered 429 (within 0.1 s) could not know of it.
        during = [c for c in updates if refused.at + 0.1 < c.at < refused.at + refused.retry_after - 0.2]
        assert during == [], f"{len(during)} chat.update calls inside a Retry-After window"
    shown = [block_texts(m.get("blocks")) for m in fake_slack.messages.values()]
    assert not [s for s in shown if "작성 중" in s]

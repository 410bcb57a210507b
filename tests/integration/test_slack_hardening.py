"""Slack security regressions found by an outside attack test, each replayed against a running govbot over
HTTP on 127.0.0.1, with the fake Slack Web API enforcing Slack's real limits and error replies."""

from __future__ import annotations

import json
import logging
import time
from urllib.parse import quote

import pytest

from tests.fakes.slack_server import FakeSlack
from tests.integration.slack_support import (
    envelope,
    mention,
    send_event,
    send_raw,
    sign,
    slack_env,
)
from tests.integration.test_slack_http import USERS


@pytest.fixture
async def fake_slack():
    server = await FakeSlack().start()
    server.users.update(USERS)
    yield server
    await server.stop()


@pytest.fixture
def slack_govbot(start_govbot, fake_slack):
    def start(**overrides):
        return start_govbot(env=slack_env(), slack_api_url=fake_slack.api_url, slack_update_seconds=0.2, **overrides)

    return start


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

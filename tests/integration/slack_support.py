"""Helpers for Slack integration tests: signed requests exactly as Slack sends them, and payloads.

The signature is computed here with hmac (not with slack_sdk), so the tests check bolt's verification
against Slack's published scheme: v0=HMAC-SHA256(secret, "v0:{timestamp}:{body}").
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest

from tests.fakes.slack_server import APP_TOKEN, BOT_TOKEN, BOT_USER_ID, TEAM_ID, FakeSlack

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
SLACK_ENV_NAMES = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN")
_ids = itertools.count(1)


# Slack users the fake Web API knows (users.info), matched to app.yaml's officials by id or e-mail.
USERS = {
    "U0TRAF0002": {
        "id": "U0TRAF0002",
        "name": "kim.minsu",
        "real_name": "김민수",
        "profile": {"display_name": "김민수", "email": "kim.minsu@hanbit.go.kr"},
    },
    "U0PRES0002": {
        "id": "U0PRES0002",
        "name": "jung.eunji",
        "profile": {"display_name": "정은지", "email": "jung.eunji@hanbit.go.kr"},
    },
    # Not listed by Slack id in app.yaml, but by e-mail: mapped through the address users.info returns.
    "U0NEWPARK1": {
        "id": "U0NEWPARK1",
        "name": "park",
        "profile": {"display_name": "박지영", "email": "Park.Jiyoung@hanbit.go.kr"},
    },
    "U0STRANGER": {
        "id": "U0STRANGER",
        "name": "visitor",
        "profile": {"display_name": "방문자", "email": "visitor@example.com"},
    },
}


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    """The fake Slack Web API on 127.0.0.1, knowing the test users."""
    server = await FakeSlack().start()
    server.users.update(USERS)
    yield server
    await server.stop()


@pytest.fixture
def slack_govbot(start_govbot: Any, fake_slack: FakeSlack) -> Any:
    """Starts govbot with Slack over HTTP pointed at the fake (keyword overrides go to start_govbot)."""

    def start(**overrides: Any) -> Any:
        # The fake Slack serves files from 127.0.0.1: an on-premises/test host that must be named explicitly.
        overrides.setdefault("slack_onprem_file_hosts", [f"127.0.0.1:{fake_slack.port}"])
        return start_govbot(env=slack_env(), slack_api_url=fake_slack.api_url, slack_update_seconds=0.2, **overrides)

    return start


def slack_env(**extra: str) -> dict[str, str]:
    return {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, **extra}


def socket_env() -> dict[str, str]:
    return {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": APP_TOKEN}


def sign(body: str, timestamp: int, secret: str = SIGNING_SECRET) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Sent:
    status: int
    body: str
    seconds: float


async def send_raw(
    url: str,
    body: str,
    content_type: str,
    *,
    secret: str = SIGNING_SECRET,
    timestamp: int | None = None,
    headers: dict[str, str] | None = None,
    signature: str | None = None,
) -> Sent:
    ts = int(time.time()) if timestamp is None else timestamp
    all_headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": signature or sign(body, ts, secret),
        **(headers or {}),
    }
    started = time.monotonic()
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{url}/slack/events", data=body.encode(), headers=all_headers) as response:
            text = await response.text()
            return Sent(response.status, text, time.monotonic() - started)


async def send_event(
    url: str, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None, **options: Any
) -> Sent:
    body = json.dumps(envelope(event, event_id=event_id), ensure_ascii=False)
    headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"} if retry_num else None
    return await send_raw(url, body, "application/json", headers=headers, **options)


async def send_form(url: str, fields: dict[str, str], **options: Any) -> Sent:
    return await send_raw(url, urlencode(fields), "application/x-www-form-urlencoded", **options)


async def send_interaction(url: str, payload: dict[str, Any], **options: Any) -> Sent:
    return await send_form(url, {"payload": json.dumps(payload, ensure_ascii=False)}, **options)


def new_ts() -> str:
    return f"{int(time.time())}.{next(_ids):06d}"


def envelope(event: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM_ID,
        "api_app_id": "A0GOVBOT1",
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_ids):08d}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
    }


def mention(
    text: str,
    *,
    user: str = "U0TRAF0002",
    channel: str = "C0TRAFFIC01",
    ts: str | None = None,
    thread_ts: str | None = None,
) -> dict[str, Any]:
    event = {
        "type": "app_mention",
        "user": user,
        "text": f"<@{BOT_USER_ID}> {text}",
        "ts": ts or new_ts(),
        "channel": channel,
        "event_ts": ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def channel_message(
    text: str, *, user: str = "U0TRAF0002", channel: str = "C0TRAFFIC01", thread_ts: str | None = None, **extra: Any
) -> dict[str, Any]:
    ts = new_ts()
    event = {
        "type": "message",
        "channel_type": "channel",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": channel,
        **extra,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def direct_message(
    text: str, *, user: str = "U0TRAF0002", channel: str = "D0KIMMINSU", files: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "message",
        "channel_type": "im",
        "user": user,
        "text": text,
        "ts": new_ts(),
        "channel": channel,
    }
    if files:
        event["subtype"] = "file_share"
        event["files"] = files
    return event


def slash_command(
    text: str, response_url: str, *, user: str = "U0TRAF0002", channel: str = "D0KIMMINSU"
) -> dict[str, str]:
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM_ID,
        "team_domain": "hanbit",
        "channel_id": channel,
        "channel_name": "directmessage" if channel.startswith("D") else "traffic",
        "user_id": user,
        "user_name": "kim.minsu",
        "command": "/govbot",
        "text": text,
        "api_app_id": "A0GOVBOT1",
        "response_url": response_url,
        "trigger_id": "13345224609.738474920.8088930838d88f008e0",
    }


def button_press(
    action_id: str,
    value: str,
    *,
    response_url: str,
    user: str = "U0TRAF0002",
    channel: str = "C0TRAFFIC01",
    message_ts: str = "1700000000.000100",
    thread_ts: str | None = None,
) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "team": {"id": TEAM_ID, "domain": "hanbit"},
        "user": {"id": user, "username": "kim.minsu", "team_id": TEAM_ID},
        "api_app_id": "A0GOVBOT1",
        "token": "legacy-verification-token",
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel, "is_ephemeral": False},
        "trigger_id": "123.456.abc",
        "channel": {"id": channel, "name": "traffic"},
        "message": {
            "type": "message",
            "ts": message_ts,
            "thread_ts": thread_ts or message_ts,
            "text": "답변",
            "user": BOT_USER_ID,
        },
        "response_url": response_url,
        "actions": [
            {"type": "button", "action_id": action_id, "block_id": "b1", "value": value, "action_ts": str(time.time())}
        ],
    }


def block_texts(blocks: list[dict[str, Any]]) -> str:
    """All text in a list of blocks, joined (for assertions)."""
    pieces: list[str] = []
    for block in blocks or []:
        if isinstance(block.get("text"), dict):
            pieces.append(block["text"]["text"])
        pieces.extend(f["text"] for f in block.get("fields", []))
        for element in block.get("elements", []):
            text = element.get("text")
            pieces.append(text["text"] if isinstance(text, dict) else str(text or ""))
    return "\n".join(pieces)

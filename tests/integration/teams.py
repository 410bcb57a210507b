"""Helpers for the Teams tests: Bot Framework activities shaped as Teams posts them, and posting them."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

import aiohttp

BOT_ID = "28:govbot-app-id"
BOT_NAME = "govbot"
TENANT = "tenant-hanbit"
TRAFFIC_CHANNEL = "19:traffic-general@thread.tacv2"
KIM_AAD = "6f1c2a90-1111-4c2e-9a51-000000000002"  # 김민수, 교통행정과, listed by AAD object id in app.yaml
# Unique per test run, as Teams' own ids are: a run must not find the claims an earlier run left in a shared Redis.
_RUN = uuid.uuid4().hex[:8]
_ids = itertools.count(1000)


def _base(service_url: str, conversation: dict[str, Any], sender: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "id": f"act-{_RUN}-{next(_ids)}",
        "channelId": "msteams",
        "serviceUrl": service_url,
        "timestamp": "2026-11-23T01:00:00.000Z",
        "locale": "ko-KR",
        "from": sender,
        "recipient": {"id": BOT_ID, "name": BOT_NAME},
        "conversation": conversation,
        "channelData": {"tenant": {"id": TENANT}},
        **extra,
    }


def user(aad: str = KIM_AAD, name: str = "김민수", account: str = "29:kim-minsu") -> dict[str, Any]:
    return {"id": account, "name": name, "aadObjectId": aad}


def personal_conversation(account: str = "29:kim-minsu") -> dict[str, Any]:
    return {"id": f"a:personal-{account}", "conversationType": "personal", "tenantId": TENANT}


def personal_message(
    service_url: str, text: str, *, sender: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    sender = sender or user()
    return _base(
        service_url, personal_conversation(sender["id"]), sender, type="message", text=text, textFormat="plain", **extra
    )


def channel_mention(
    service_url: str,
    question: str,
    *,
    root: str | None = None,
    sender: dict[str, Any] | None = None,
    channel: str = TRAFFIC_CHANNEL,
) -> dict[str, Any]:
    """A channel post "@govbot <question>"; with `root`, a reply in that post's thread."""
    activity = _base(
        service_url,
        {
            "id": f"{channel};messageid={root or 'ROOT'}",
            "conversationType": "channel",
            "isGroup": True,
            "tenantId": TENANT,
        },
        sender or user(),
        type="message",
        text=f"<at>{BOT_NAME}</at> {question}",
        entities=[{"type": "mention", "text": f"<at>{BOT_NAME}</at>", "mentioned": {"id": BOT_ID, "name": BOT_NAME}}],
    )
    if root is None:
        activity["conversation"]["id"] = f"{channel};messageid={activity['id']}"
    activity["channelData"] = {
        "tenant": {"id": TENANT},
        "team": {"id": "19:team-hanbit@thread.tacv2"},
        "channel": {"id": channel},
    }
    return activity


def execute_invoke(service_url: str, verb: str, value: str, *, sender: dict[str, Any] | None = None) -> dict[str, Any]:
    sender = sender or user()
    return _base(
        service_url,
        personal_conversation(sender["id"]),
        sender,
        type="invoke",
        name="adaptiveCard/action",
        replyToId="bot-answer-1",
        value={
            "action": {"type": "Action.Execute", "verb": verb, "data": {"govbot_action": verb, "value": value}},
            "trigger": "manual",
        },
    )


def submit_message(
    service_url: str, action: str, value: str, *, sender: dict[str, Any] | None = None
) -> dict[str, Any]:
    sender = sender or user()
    return _base(
        service_url,
        personal_conversation(sender["id"]),
        sender,
        type="message",
        replyToId="bot-answer-1",
        value={"govbot_action": action, "value": value},
    )


def members_added(service_url: str, *, sender: dict[str, Any] | None = None, personal: bool = True) -> dict[str, Any]:
    sender = sender or user()
    conversation = (
        personal_conversation(sender["id"])
        if personal
        else {"id": TRAFFIC_CHANNEL, "conversationType": "channel", "isGroup": True}
    )
    activity = _base(service_url, conversation, sender, type="conversationUpdate", membersAdded=[{"id": BOT_ID}])
    if not personal:
        activity["channelData"] = {
            "tenant": {"id": TENANT},
            "team": {"id": "19:team-hanbit@thread.tacv2"},
            "eventType": "teamMemberAdded",
        }
    return activity


async def post_activity(
    govbot_url: str, activity: dict[str, Any], headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{govbot_url}/api/messages", json=activity, headers=headers or {}) as response:
            text = await response.text()
            try:
                body = await response.json(content_type=None) if text else None
            except ValueError:
                body = text
            return response.status, body

"""The Teams adapter end to end: Bot Framework activities posted to /api/messages of a running govbot,
answered through botbuilder's real CloudAdapter into a fake Bot Connector on 127.0.0.1."""
from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.store.models import Feedback, UsageRecord
from tests.fakes.bot_connector import FakeBotConnector
from tests.integration.teams import (
    BOT_ID,
    TRAFFIC_CHANNEL,
    channel_mention,
    execute_invoke,
    members_added,
    personal_message,
    post_activity,
    submit_message,
    user,
)


@pytest.fixture
async def connector() -> AsyncIterator[FakeBotConnector]:
    server = await FakeBotConnector().start()
    yield server
    await server.stop()


def texts_of(card: dict) -> str:
    """Every TextBlock text in a card, nested containers and tables included."""
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "TextBlock":
                found.append(node.get("text", ""))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card.get("body", []))
    return "\n".join(found)


async def rows(runtime, model):
    async with runtime.store.sessions() as session:
        return list((await session.scalars(select(model))).all())


async def test_personal_message_is_answered_through_the_gateway_with_typing_first(start_govbot, fake_openai, connector):
    fake_openai.reply_with("불법주정차 과태료는 도로교통법 제160조에 따릅니다.")
    async with start_govbot() as gb:
        activity = personal_message(connector.url, "불법주정차 과태료 기준 알려줘")
        status, _ = await post_activity(gb.url, activity)
        assert status == 202
        final = await connector.wait_for(lambda c: [m for m in c.messages() if m.card and "제160조" in texts_of(m.card)])
        conversation = activity["conversation"]["id"]
        calls = [c for c in connector.calls if c.conversation_id == conversation]
        assert calls[0].type == "typing" and calls[0].kind == "reply" and calls[0].activity_id == activity["id"]
        placeholder = calls[1]
        assert placeholder.kind == "reply" and placeholder.body["text"] == "작성 중…"
        answer = final[-1]
        assert answer.kind == "update"  # the placeholder was replaced by the answer card
        card = answer.card
        assert card["version"] == "1.5"
        body = texts_of(card)
        assert "불법주정차 과태료는 도로교통법 제160조에 따릅니다." in body
        assert gb.runtime.config.organisation.ai_notice in body  # the AI notice as footer
        verbs = [a.get("verb") for a in card.get("actions", [])]
        assert verbs == ["feedback", "feedback"]
        assert connector.messages()[-1] is answer  # nothing sent after the answer
        usage = await rows(gb.runtime, UsageRecord)
        assert [(u.department_id, u.user_id) for u in usage] == [("traffic", "kim.minsu")]
    sent = fake_openai.requests[0]["messages"]
    assert sent[-1] == {"role": "user", "content": "불법주정차 과태료 기준 알려줘"}

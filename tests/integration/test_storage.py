"""Storage on both stores: SQLite (embedded default) and PostgreSQL (shared by several processes)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from alembic.script import ScriptDirectory

from bot.gateway.types import ChatMessage, Completion, GatewayRequest, Usage
from bot.store import Store
from bot.store.db import alembic_config, current_revision


async def open_store(database) -> Store:
    url, schema = database
    return await Store.open(url, schema=schema, migrate=True)


def completion(call_id: str, prompt: int, answer: int) -> Completion:
    return Completion("답", Usage(prompt, answer), "fake0", "fake-model", 12.5, "stop", call_id)


async def test_migrations_reach_head(database):
    store = await open_store(database)
    try:
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert await current_revision(store.engine) == head
        assert await store.claim_event("migrated-schema-is-usable") is True
    finally:
        await store.close()


async def test_usage_totals_per_department_and_user(database):
    store = await open_store(database)
    try:
        traffic = GatewayRequest("traffic", "kim.minsu", [ChatMessage("user", "질문")])
        other_user = GatewayRequest("traffic", "lee.seoyeon", [ChatMessage("user", "질문")])
        road = GatewayRequest("road", "oh.jaehyun", [ChatMessage("user", "질문")])
        await store.usage.record(traffic, completion("a1", 10, 5))
        await store.usage.record(other_user, completion("a2", 20, 5))
        await store.usage.record(road, completion("a3", 100, 100))
        since = datetime.now(UTC) - timedelta(hours=1)
        department = await store.usage.totals("traffic", since)
        user = await store.usage.totals("traffic", since, user_id="kim.minsu")
        future = await store.usage.totals("traffic", datetime.now(UTC) + timedelta(hours=1))
        assert (department.tokens, department.requests) == (40, 2)
        assert (user.tokens, user.requests) == (15, 1)
        assert (future.tokens, future.requests) == (0, 0)
        assert await store.usage.exists("a3") and not await store.usage.exists("zz")
    finally:
        await store.close()


async def test_event_is_claimed_once_among_concurrent_claimers(database):
    # Two stores = two govbot processes sharing one database.
    first, second = await open_store(database), await open_store(database)
    try:
        results = await asyncio.gather(*[(first if i % 2 else second).claim_event("slack:Ev0123") for i in range(20)])
        assert results.count(True) == 1
        assert await first.claim_event("slack:Ev0456") is True
        assert await first.claim_event("slack:expired", ttl_seconds=-1) is True
        assert await second.claim_event("slack:expired") is True  # an expired claim may be taken again
    finally:
        await first.close()
        await second.close()


async def test_conversation_metadata_without_content_by_default(database):
    store = await open_store(database)
    try:
        key = "web:kim.minsu:thread-1"
        states = await asyncio.gather(
            *[
                store.conversations.ensure(key, platform="web", user_id="kim.minsu", department_id="traffic")
                for _ in range(5)
            ]
        )
        assert len({s.id for s in states}) == 1
        await store.conversations.set_assistant(key, "spokesperson", 2)
        await store.conversations.count_turn(key, 2)
        state = await store.conversations.get(key)
        assert (state.assistant_id, state.assistant_version, state.turns) == ("spokesperson", 2, 1)
        assert await store.conversations.content(state.id) == []
    finally:
        await store.close()


async def test_feedback_keeps_one_vote_per_user(database):
    store = await open_store(database)
    try:
        await store.feedback.record("call1", "kim.minsu", "web", "down")
        await store.feedback.record("call1", "kim.minsu", "web", "up")
        await store.feedback.record("call1", "lee.seoyeon", "slack", "up")
        assert await store.feedback.counts("call1") == {"up": 2}
    finally:
        await store.close()


async def test_chat_through_gateway_records_usage_on_both_stores(start_govbot, fake_openai, database):
    url, schema = database
    from tests.integration.webchat import send

    async with start_govbot(database_url=url, schema=schema) as gb:
        result = await send(gb.url, "주차 단속 시간 알려줘")
        month = await gb.runtime.store.usage.totals("traffic", datetime.now(UTC) - timedelta(days=1))
    assert result.reply["kind"] == "answer"
    assert (month.tokens, month.requests) == (18, 1)

"""The shared state's backends: the database (expiry, upsert, sweep), Redis, Redis falling back to the database, and
the sealing that keeps personal values, user ids and tokens out of both in the clear."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest
from sqlalchemy import select

from bot.shared_state import VAULTS, ProcessState, SealedState, StateUnavailable
from bot.store import Store
from bot.store.models import SharedStateEntry
from bot.store.shared_state import FallbackState, RedisState
from tests.integration.test_redis_claims import redis_or_skip

PHONE = "010-2345-6789"


async def test_database_state_expires_replaces_and_sweeps(database):
    url, schema = database
    store = await Store.open(url, schema=schema, migrate=True)
    state = store.database_state
    try:
        await state.put("download", "a", b"first", 60)
        await state.put("download", "a", b"second", 60)  # the same key again replaces it
        await state.put("download", "gone", b"old", 0.2)
        assert await state.get("download", "a") == b"second"
        assert await state.get("forward", "a") is None  # another namespace
        await asyncio.sleep(0.4)
        assert await state.get("download", "gone") is None  # expired rows are never read
        assert await state.sweep() == 1
        await state.delete("download", "a")
        assert await state.get("download", "a") is None
    finally:
        await store.close()


async def test_sealed_values_and_keys_never_reach_the_database_in_the_clear(database):
    url, schema = database
    store = await Store.open(url, schema=schema, migrate=True)
    try:
        await store.shared.put_json(VAULTS, "web:kim.minsu\0thread-1", {"[전화번호#1]": PHONE}, 60)
        assert await store.shared.get_json(VAULTS, "web:kim.minsu\0thread-1") == {"[전화번호#1]": PHONE}
        async with store.sessions() as session:
            [row] = (await session.scalars(select(SharedStateEntry))).all()
        assert PHONE.encode() not in row.value and b"kim.minsu" not in row.value and "kim" not in row.key
        other_key = SealedState(store.database_state, os.urandom(32))
        assert await other_key.get_json(VAULTS, "web:kim.minsu\0thread-1") is None  # another audit key reads nothing
    finally:
        await store.close()


class Down:
    async def put(self, namespace: str, key: str, value: bytes, ttl_seconds: float) -> None:
        raise StateUnavailable("ConnectionError")

    async def get(self, namespace: str, key: str) -> bytes | None:
        raise StateUnavailable("ConnectionError")

    async def delete(self, namespace: str, key: str) -> None:
        raise StateUnavailable("ConnectionError")

    async def take(self, namespace: str, key: str) -> bytes | None:
        raise StateUnavailable("ConnectionError")


async def test_a_redis_outage_sends_state_to_the_database_and_it_is_found_after():
    database = ProcessState()
    during = FallbackState(Down(), database)
    await during.put("forward", "t1", b"button", 60)
    assert await during.get("forward", "t1") == b"button"
    recovered = FallbackState(ProcessState(), database)  # Redis back, empty: what was written meanwhile is found
    assert await recovered.get("forward", "t1") == b"button"


async def test_redis_state_has_ttls_and_reports_an_unreachable_server():
    from redis.asyncio import Redis

    client = Redis.from_url(await redis_or_skip())
    prefix = f"govbot-test-{uuid.uuid4().hex[:8]}:"
    state = RedisState(client, prefix)
    try:
        await state.put("download", "k", b"v", 30)
        assert await state.get("download", "k") == b"v"
        assert 0 < await client.pttl(f"{prefix}state:download:k") <= 30_000
        await state.delete("download", "k")
    finally:
        await client.aclose()
    unreachable = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    try:
        with pytest.raises(StateUnavailable):
            await RedisState(unreachable, prefix).get("download", "k")
    finally:
        await unreachable.aclose()


async def test_take_gives_a_value_to_exactly_one_of_many_callers_on_every_backend(database):
    """A confirm button pressed twice, on two processes at once, starts one model pass: `take` is get-and-delete."""
    from redis.asyncio import Redis

    url, schema = database
    store = await Store.open(url, schema=schema, migrate=True)
    client = Redis.from_url(await redis_or_skip())
    redis = RedisState(client, f"govbot-test-{uuid.uuid4().hex[:8]}:")
    backends = {
        "process": ProcessState(),
        "database": store.database_state,
        "redis": redis,
        "redis down, database": FallbackState(Down(), store.database_state),
    }
    try:
        for name, backend in backends.items():
            sealed = SealedState(backend, os.urandom(32))
            await sealed.put("complaint-read", "token", b"masked list", 60)
            await sealed.put("complaint-read", "gone", b"old", 0.2)
            taken = await asyncio.gather(*[sealed.take("complaint-read", "token") for _ in range(8)])
            assert taken.count(b"masked list") == 1 and taken.count(None) == 7, name
            assert await sealed.get("complaint-read", "token") is None, name
            await asyncio.sleep(0.3)
            assert await sealed.take("complaint-read", "gone") is None, name  # expired: never handed out
    finally:
        await client.aclose()
        await store.close()


async def test_a_pending_model_read_from_another_version_reads_as_expired():
    """During a rolling upgrade a button may meet a list sealed by the other version: "expired", never a crash."""
    from assistants.skills.complaints.pending import PENDING_READS, PendingReads

    shared = SealedState(ProcessState(), os.urandom(32))
    pending = PendingReads(shared, 60)
    await shared.put(PENDING_READS, "old", b"\x80\x04\x95not a pickle of this version", 60)
    assert await pending.peek("old") is None and await pending.take("old") is None


async def test_a_large_list_put_while_redis_is_away_still_waits_for_its_button_on_this_process():
    """Redis stopped at the moment of the triage: the answer and its model-read button still work (here)."""
    from assistants.skills.complaints.pending import Caller, PendingRead, PendingReads

    pending = PendingReads(SealedState(Down(), os.urandom(32)), 60)
    caller = Caller("kim.minsu", "traffic", "web:kim.minsu:t1", "web", None, "default")
    token = await pending.put(PendingRead(caller, None, "호출 3회"))  # type: ignore[arg-type]
    seen = await pending.peek(token)
    assert seen is not None and seen.caller.user_id == "kim.minsu"
    taken = await pending.take(token)
    assert taken is not None and taken.note == "호출 3회"
    assert await pending.take(token) is None  # once

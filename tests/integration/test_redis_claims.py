"""Event de-duplication on Redis (the optional shared store for short-lived state)."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from bot.store import Store


async def redis_or_skip() -> str:
    from redis.asyncio import Redis

    client = Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        await asyncio.wait_for(client.ping(), 2)
    except Exception as error:  # noqa: BLE001
        pytest.skip(f"Redis at 127.0.0.1:6379 is not reachable ({type(error).__name__}: {error})")
    finally:
        await client.aclose()
    return "redis://127.0.0.1:6379/0"


async def test_claims_on_redis_are_shared_by_processes_and_expire(tmp_path):
    url = await redis_or_skip()
    database = f"sqlite+aiosqlite:///{tmp_path}/r.db"
    first = await Store.open(database, redis_url=url, migrate=True)
    second = await Store.open(database, redis_url=url)
    key = f"slack:Ev{uuid.uuid4().hex}"
    try:
        results = await asyncio.gather(
            *[(first if i % 2 else second).claim_event(key, ttl_seconds=60) for i in range(20)]
        )
        assert results.count(True) == 1
        short = f"slack:Ev{uuid.uuid4().hex}"
        assert await first.claim_event(short, ttl_seconds=1) is True
        await asyncio.sleep(1.2)
        assert await second.claim_event(short, ttl_seconds=1) is True
    finally:
        await first.close()
        await second.close()


async def test_installations_sharing_one_redis_claim_events_under_their_own_prefix(tmp_path):
    """Two offices (or two test runs) on one Redis: the same Teams activity id in each is answered by each."""
    url = await redis_or_skip()
    run = uuid.uuid4().hex[:8]
    database = f"sqlite+aiosqlite:///{tmp_path}/r.db"
    office = await Store.open(database, redis_url=url, redis_prefix=f"govbot-a-{run}:", migrate=True)
    other_office = await Store.open(database.replace("r.db", "o.db"), redis_url=url, redis_prefix=f"govbot-b-{run}:")
    same_office = await Store.open(database, redis_url=url, redis_prefix=f"govbot-a-{run}:")
    key = "teams:a:personal-29:kim-minsu:act-1000"  # test activity ids repeat from run to run
    try:
        assert await office.claim_event(key, ttl_seconds=60) is True
        assert await other_office.claim_event(key, ttl_seconds=60) is True
        assert await same_office.claim_event(key, ttl_seconds=60) is False
    finally:
        for store in (office, other_office, same_office):
            await store.close()

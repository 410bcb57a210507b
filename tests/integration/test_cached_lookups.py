"""The two per-call reads this process keeps for a few seconds (a key's record, a department's overrides):
a change made in this process applies at once, one made by another process within the stated bound,
and counters (usage) are never cached. Two Stores on one database stand for two processes; the cache's
clock is a hand-moved one, so nothing here waits."""

from __future__ import annotations

import openai
import pytest
from openai import AsyncOpenAI

from bot.gateway.errors import QuotaExceeded
from bot.quota.service import QuotaService
from bot.store.keys_repository import KEY_CACHE_SECONDS, ApiKeyRepository
from bot.store.quota_repository import OVERRIDE_CACHE_SECONDS, QuotaRepository
from tests.conftest import offline_config
from tests.integration.test_quota import config_with_quota, open_two, request


class HandClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_key_revoked_in_this_process_is_refused_on_the_very_next_request(start_govbot, fake_openai):
    fake_openai.reply_with("답변")
    async with start_govbot() as gb:
        key, info = await gb.runtime.store.keys.create("traffic", "민원 분석 도구", "park.jiyoung")
        client = gb.track(AsyncOpenAI(base_url=gb.url + "/v1", api_key=key, max_retries=0))
        await client.chat.completions.create(model="default", messages=[{"role": "user", "content": "질문"}])
        await client.models.list()  # the key's record is now cached
        assert await gb.runtime.store.keys.revoke(info.prefix, by="park.jiyoung") == 1
        with pytest.raises(openai.AuthenticationError) as refused:
            await client.chat.completions.create(model="default", messages=[{"role": "user", "content": "또 질문"}])
    assert "API 키" in refused.value.message
    assert len(fake_openai.requests) == 1


async def test_a_key_revoked_by_another_process_stops_working_here_within_the_bound(database):
    first, second = await open_two(database)
    try:
        clock = HandClock()
        serving = ApiKeyRepository(first.sessions, first.audit, clock=clock)
        key, info = await second.keys.create("traffic", "민원 분석 도구", "park.jiyoung")
        assert (await serving.authenticate(key)) is not None
        assert await second.keys.revoke(info.prefix, by="park.jiyoung") == 1
        clock.now += KEY_CACHE_SECONDS - 0.5
        assert (await serving.authenticate(key)) is not None  # the stated staleness, never longer
        clock.now += 1.0
        assert await serving.authenticate(key) is None
        assert await serving.authenticate("gbk_" + "x" * 43) is None  # unknown keys are never cached as valid
    finally:
        await first.close()
        await second.close()


async def test_overrides_apply_at_once_here_and_within_the_bound_from_another_process(database):
    config = config_with_quota(offline_config(), requests_per_day=1)
    first, second = await open_two(database)
    try:
        clock = HandClock()
        here = QuotaService(config, QuotaRepository(first.sessions, first.engine, clock=clock))
        elsewhere = QuotaService(config, second.quota)
        admin = {"audit": first.audit, "platform": "cli"}
        await here.reserve(request(), 10)
        with pytest.raises(QuotaExceeded):
            await here.reserve(request(), 10)
        # Raised in this process: the next call sees it, although the old value was just read.
        await here.set_limit("traffic", "requests_per_day", 2, by="park.jiyoung", **admin)
        await here.reserve(request(), 10)
        # Lowered back by another process: usage is exact (the counter is shared), the limit may lag the bound.
        await elsewhere.set_limit("traffic", "requests_per_day", 3, by="park.jiyoung", **admin)
        with pytest.raises(QuotaExceeded):
            await here.reserve(request(), 10)  # still 2 here for now
        assert {s.name: s.value for s in await here.status("traffic")}["requests_per_day"] == 3  # admin view: fresh
        clock.now += OVERRIDE_CACHE_SECONDS + 0.1
        await here.reserve(request(), 10)
        with pytest.raises(QuotaExceeded):
            await here.reserve(request(), 10)
    finally:
        await first.close()
        await second.close()


async def test_grants_from_two_processes_add_up(database):
    config = config_with_quota(offline_config(), requests_per_day=1)
    first, second = await open_two(database)
    try:
        here = QuotaService(config, first.quota)
        elsewhere = QuotaService(config, second.quota)
        await here.reserve(request(), 10)  # caches the department's (empty) overrides here
        there = {"audit": second.audit, "platform": "cli"}
        assert await elsewhere.grant("traffic", "requests_per_day", 2, by="park.jiyoung", **there) == 2
        assert (
            await here.grant("traffic", "requests_per_day", 1, by="park.jiyoung", audit=first.audit, platform="cli")
            == 3
        )
    finally:
        await first.close()
        await second.close()

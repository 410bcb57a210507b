"""Department quotas on both stores: exact budgets under concurrency, nothing charged for failures,
rollover without lost usage, and the refusal an official reads."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import openai
import yaml
from openai import AsyncOpenAI

from assistants.skills.registry import parse_office_config as parse_config
from bot.gateway.errors import QuotaExceeded
from bot.gateway.stream import estimate_tokens
from bot.gateway.types import ChatMessage, GatewayRequest
from bot.quota.limits import CounterKey
from bot.quota.service import QuotaService
from bot.store import Store
from tests.conftest import config_for_upstreams, offline_config
from tests.integration.webchat import send


async def client_for(gb) -> AsyncOpenAI:
    key, _ = await gb.runtime.store.keys.create("traffic", "부하 시험", "park.jiyoung")
    return gb.track(AsyncOpenAI(base_url=gb.url + "/v1", api_key=key, max_retries=0, timeout=60))


def config_with_quota(base, **quota):
    raw = base.model_dump(mode="json")
    raw["departments"][0]["quota"] = quota  # traffic
    return parse_config(yaml.safe_dump(raw, allow_unicode=True))


def request(user: str = "kim.minsu", department: str = "traffic") -> GatewayRequest:
    return GatewayRequest(department, user, [ChatMessage("user", "질문")], max_output_tokens=10)


async def open_two(database) -> tuple[Store, Store]:
    url, schema = database
    first = await Store.open(url, schema=schema, migrate=True)
    second = await Store.open(url, schema=schema)
    return first, second


async def test_two_processes_racing_get_exactly_the_budget(database):
    config = config_with_quota(offline_config(), requests_per_day=7, tokens_per_day=10_000)
    first, second = await open_two(database)
    try:
        services = [QuotaService(config, first.quota), QuotaService(config, second.quota)]

        async def attempt(i: int) -> bool:
            # Different users, most of them brand new to the counters: first requests must not bypass the budget.
            try:
                await services[i % 2].reserve(request(user=f"user{i}"), 100)
                return True
            except QuotaExceeded:
                return False

        results = await asyncio.gather(*[attempt(i) for i in range(30)])
        assert results.count(True) == 7
        status = {s.name: s.used for s in await services[0].status("traffic")}
        assert status["requests_per_day"] == 7
    finally:
        await first.close()
        await second.close()


async def test_token_budget_is_never_exceeded_under_concurrency(database):
    config = config_with_quota(offline_config(), tokens_per_day=1_000)
    first, second = await open_two(database)
    try:
        services = [QuotaService(config, first.quota), QuotaService(config, second.quota)]
        reservations = []

        async def attempt(i: int) -> None:
            try:
                reservations.append(await services[i % 2].reserve(request(), 150))
            except QuotaExceeded:
                pass

        await asyncio.gather(*[attempt(i) for i in range(20)])
        assert len(reservations) == 6  # 6 × 150 = 900 ≤ 1000 < 7 × 150
        for reservation in reservations:
            await services[0].settle(reservation, 150)
        state = await first.quota.state(reservations[0].counters[0])
        assert (state.used_tokens, state.reserved_tokens) == (900, 0)
    finally:
        await first.close()
        await second.close()


async def test_release_returns_tokens_and_the_request(database):
    config = config_with_quota(offline_config(), requests_per_day=1)
    first, second = await open_two(database)
    try:
        service = QuotaService(config, first.quota)
        reservation = await service.reserve(request(), 500)
        await service.release(reservation)
        again = await service.reserve(request(), 500)  # the released request may be used again
        state = await first.quota.state(again.counters[0])
        assert (state.requests, state.reserved_tokens, state.used_tokens) == (1, 500, 0)
    finally:
        await first.close()
        await second.close()


async def test_rollover_during_a_call_settles_into_the_period_it_reserved(database):
    config = config_with_quota(offline_config(), tokens_per_day=1_000)
    first, second = await open_two(database)
    try:
        now = [datetime(2026, 11, 22, 14, 59, 59, tzinfo=UTC)]  # 23:59:59 in Seoul
        service = QuotaService(config, first.quota, clock=lambda: now[0])
        reservation = await service.reserve(request(), 300)
        now[0] += timedelta(seconds=2)  # past local midnight
        await service.settle(reservation, 250)
        old_day = await first.quota.state(CounterKey("dept", "traffic", "day:2026-11-22"))
        new_day = await first.quota.state(CounterKey("dept", "traffic", "day:2026-11-23"))
        assert (old_day.used_tokens, old_day.reserved_tokens) == (250, 0)
        assert new_day.used_tokens == 0
        assert {s.name: s.used for s in await service.status("traffic")}["tokens_per_day"] == 0
    finally:
        await first.close()
        await second.close()


async def test_admin_override_and_grant_change_the_limit(database):
    config = config_with_quota(offline_config(), requests_per_day=1)
    first, second = await open_two(database)
    try:
        service = QuotaService(config, first.quota)
        await service.reserve(request(), 10)
        try:
            await service.reserve(request(), 10)
            raise AssertionError("second request should be refused")
        except QuotaExceeded:
            pass
        admin = {"audit": first.audit, "platform": "cli"}
        assert await service.grant("traffic", "requests_per_day", 2, by="park.jiyoung", **admin) == 2
        await service.reserve(request(), 10)
        await service.set_limit("traffic", "requests_per_day", None, by="park.jiyoung", **admin)  # unlimited
        for _ in range(5):
            await service.reserve(request(), 10)
        assert await service.reset("traffic", by="park.jiyoung", **admin) == 2
        limits = {s.name: s.value for s in await service.status("traffic")}
        assert limits["requests_per_day"] == 1
    finally:
        await first.close()
        await second.close()


async def test_over_quota_official_reads_which_limit_when_it_resets_and_whom_to_ask(start_govbot, fake_openai):
    config = config_with_quota(config_for_upstreams(fake_openai.base_url), requests_per_day=1)
    async with start_govbot(config=config) as gb:
        first = await send(gb.url, "첫 질문")
        second = await send(gb.url, "두 번째 질문")
        status = {s.name: s.used for s in await gb.runtime.bundle.quota.status("traffic")}
    assert first.reply["kind"] == "answer"
    assert second.reply["kind"] == "refusal"
    assert "하루 요청 수 한도(1)" in second.text and "초기화됩니다" in second.text and "박지영" in second.text
    assert len(fake_openai.requests) == 1
    assert status["requests_per_day"] == 1


async def test_failed_model_call_costs_nothing(start_govbot, fake_openai):
    fake_openai.fail_with(500, times=2)
    async with start_govbot() as gb:
        result = await send(gb.url, "질문")
        status = {s.name: s.used for s in await gb.runtime.bundle.quota.status("traffic")}
    assert result.reply["kind"] == "error"
    assert status == {"tokens_per_day": 0, "tokens_per_month": 0, "requests_per_day": 0}


async def test_quota_in_chat_shows_use_and_only_admins_change_it(start_govbot, fake_openai):
    # The reservation is the prompt estimate plus max_output_tokens (1200), so the budget must cover that.
    config = config_with_quota(config_for_upstreams(fake_openai.base_url), tokens_per_month=2000, requests_per_day=10)
    async with start_govbot(config=config) as gb:
        await send(gb.url, "질문")  # 18 tokens
        shown = await send(gb.url, "/quota")
        member = await send(gb.url, "/quota set requests_per_day 1", user="lee.seoyeon")
        bad = await send(gb.url, "/quota set tokens_per_week 5", user="park.jiyoung")
        changed = await send(gb.url, "/quota set requests_per_day 1", user="park.jiyoung")
        refused = await send(gb.url, "또 질문", user="kim.minsu")
    assert "18 / 2,000 토큰" in shown.text
    table = next(p for p in shown.reply["parts"] if p["type"] == "table")
    assert table["rows"][1][:4] == ["부서 한 달 토큰 한도", "18", "2,000", "1%"]
    assert member.reply["kind"] == "error" and "관리자만" in member.text
    assert bad.reply["kind"] == "error" and "알 수 없는 한도 이름" in bad.text
    assert "requests_per_day 한도를 1" in changed.text
    assert refused.reply["kind"] == "refusal"


async def test_admin_is_told_once_when_usage_passes_80_percent(start_govbot, fake_openai):
    config = config_with_quota(config_for_upstreams(fake_openai.base_url), tokens_per_month=1500)
    # A long answer (usage within what the call could use: a short prompt, up to max_tokens 1200 out).
    fake_openai.reply_with("긴 답변", usage=(150, 1100))
    async with start_govbot(config=config) as gb:
        answered = await send(gb.url, "질문")  # 1,250 of 1,500 tokens: 83%
        first = await send(gb.url, "/help", user="park.jiyoung")
        second = await send(gb.url, "/help", user="park.jiyoung")
        member = await send(gb.url, "/help", user="lee.seoyeon")
    assert answered.reply["kind"] == "answer"
    assert "⚠️ 부서 한 달 토큰 한도 사용량이 80%를 넘었습니다" in first.text
    assert "⚠️" not in second.text and "⚠️" not in member.text


async def test_concurrent_first_requests_of_a_new_user_and_department_do_not_bypass_the_budget(
    start_govbot, fake_openai, database
):
    """A brand-new store: no counter row exists for the department or the user when 20 requests arrive
    at once through the API. The user's daily token budget fits exactly three reservations."""
    url, schema = database
    reserve = estimate_tokens("질문") + 100
    config = config_with_quota(
        config_for_upstreams(fake_openai.base_url), user_tokens_per_day=3 * reserve + reserve // 2
    )
    for _ in range(20):
        fake_openai.reply_with("답변", usage=(reserve - 100, 100))  # settles exactly what was reserved
    async with start_govbot(config=config, database_url=url, schema=schema) as gb:
        key, _ = await gb.runtime.store.keys.create("traffic", "새 도구", "park.jiyoung")
        client = gb.track(AsyncOpenAI(base_url=gb.url + "/v1", api_key=key, max_retries=0))

        async def ask() -> str:
            try:
                await client.chat.completions.create(
                    model="default", messages=[{"role": "user", "content": "질문"}], max_tokens=100
                )
                return "served"
            except openai.RateLimitError as error:
                assert "개인 하루 토큰 한도" in error.message and "박지영" in error.message
                return "refused"

        outcomes = await asyncio.gather(*[ask() for _ in range(20)])
        status = {s.name: s.used for s in await gb.runtime.bundle.quota.status("traffic")}
    assert outcomes.count("served") == 3 and outcomes.count("refused") == 17
    assert len(fake_openai.requests) == 3
    assert status["tokens_per_day"] == 3 * reserve and status["requests_per_day"] == 3


async def test_a_period_rollover_during_load_loses_no_usage(start_govbot, fake_openai, database, monkeypatch):
    """60 concurrent API calls while the office's clock passes midnight at the end of a month: every
    served call's tokens land in exactly one day and one month, nothing is left reserved."""
    url, schema = database
    ticks = [0]
    start = datetime(2026, 11, 30, 14, 59, 59, 700_000, tzinfo=UTC)  # 23:59:59.7 in Seoul

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[override]
            ticks[0] += 1  # each quota decision moves the clock 10 ms: midnight falls inside the load
            return (start + timedelta(milliseconds=10 * ticks[0])).astimezone(tz)

    monkeypatch.setattr("bot.quota.service.datetime", Clock)
    config = config_with_quota(config_for_upstreams(fake_openai.base_url), tokens_per_day=10**6, tokens_per_month=10**7)
    for i in range(60):
        fake_openai.reply_with("답변", usage=(10 + i % 7, 5 + i % 3), delay=0.01 * (i % 5))
    async with start_govbot(config=config, database_url=url, schema=schema) as gb:
        client = await client_for(gb)
        responses = await asyncio.gather(
            *[
                client.chat.completions.create(
                    model="default", messages=[{"role": "user", "content": f"질문 {i}"}], max_tokens=50
                )
                for i in range(60)
            ]
        )
        repo = gb.runtime.store.quota
        old_day, new_day = (
            await repo.state(CounterKey("dept", "traffic", "day:2026-11-30")),
            await repo.state(CounterKey("dept", "traffic", "day:2026-12-01")),
        )
        old_month, new_month = (
            await repo.state(CounterKey("dept", "traffic", "month:2026-11")),
            await repo.state(CounterKey("dept", "traffic", "month:2026-12")),
        )
        recorded = await gb.runtime.store.usage.totals("traffic", datetime(2000, 1, 1, tzinfo=UTC))
    served = sum(r.usage.total_tokens for r in responses)
    assert old_day.requests > 0 and new_day.requests > 0  # the rollover really happened during the load
    assert old_day.requests + new_day.requests == 60 == old_month.requests + new_month.requests
    assert old_day.used_tokens + new_day.used_tokens == served == old_month.used_tokens + new_month.used_tokens
    assert (old_day.reserved_tokens, new_day.reserved_tokens, old_month.reserved_tokens, new_month.reserved_tokens) == (
        0,
        0,
        0,
        0,
    )
    assert (recorded.tokens, recorded.requests) == (served, 60)


async def test_a_tight_budget_reserves_an_estimate_and_the_limit_still_holds(start_govbot, fake_openai):
    # 1,000 max_tokens never fit a 400-token day; the call is served with the output estimate reserved and sent
    # as max_tokens. The upstream then reports far more than allowed: the bill stops at what was reserved.
    config = config_with_quota(config_for_upstreams(fake_openai.base_url), tokens_per_day=400)
    fake_openai.reply_with("불법주정차 과태료 기준을 정리했습니다.", usage=(11, 5000))
    question = [{"role": "user", "content": "불법주정차 민원 회신 초안을 써 주세요."}]
    async with start_govbot(config=config) as gb:
        client = await client_for(gb)
        first = await client.chat.completions.create(model="default", messages=question, max_tokens=1000)
        try:
            await client.chat.completions.create(model="default", messages=question, max_tokens=1000)
            second_refused = False
        except openai.RateLimitError:
            second_refused = True
        status = {s.name: (s.used, s.reserved) for s in await gb.runtime.bundle.quota.status("traffic")}
    assert first.choices[0].message.content == "불법주정차 과태료 기준을 정리했습니다."
    assert fake_openai.requests[0]["max_tokens"] == 256  # the estimate (no answers seen yet), not 1,000
    assert second_refused and len(fake_openai.requests) == 1  # 133 tokens left: not even the estimate fits
    used, reserved = status["tokens_per_day"]
    assert used == 11 + 256 and reserved == 0 and used <= 400


async def test_a_batch_settles_on_time_and_swept_reservations_exactly_in_one_transaction(database):
    """The group commit settles a batch's calls together (QuotaService.settle_many): each counter changes once by
    the sum, a call whose reservation was swept meanwhile is charged and counted again, and the 80% warning is
    claimed once however many calls of the batch cross it."""
    config = config_with_quota(offline_config(), tokens_per_day=1_000, requests_per_day=100)
    first, second = await open_two(database)
    try:
        service = QuotaService(config, first.quota)
        on_time = [await service.reserve(request(user=f"user{i}"), 200) for i in range(3)]
        swept = await service.reserve(request(user="user9"), 100)
        # What a sweep does to it (its row gone, its tokens and request given back), before the call ends.
        assert await first.quota.release(swept.call_id, swept.counters, swept.tokens)
        department = CounterKey("dept", "traffic", on_time[0].counters[0].period)
        assert department in on_time[0].counters
        async with first.engine.begin() as connection:
            await first.quota.lock_counters(connection, {k for r in [*on_time, swept] for k in r.counters})
            await service.settle_many(connection, [(r, 250) for r in on_time] + [(swept, 80)])
        state = await first.quota.state(department)
        user9 = await first.quota.state(next(k for k in swept.counters if k.subject.endswith("user9")))
        alerts = await first.quota.take_undelivered_alerts("traffic")
    finally:
        await first.close()
        await second.close()
    assert (state.used_tokens, state.reserved_tokens, state.requests) == (3 * 250 + 80, 0, 4)
    assert (user9.used_tokens, user9.reserved_tokens, user9.requests) == (80, 0, 1)
    assert alerts == [("tokens_per_day", department.period)]

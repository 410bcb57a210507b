"""Sweepers of several processes at once give each expired reservation back exactly once, on both stores."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.quota.service import QuotaService
from bot.quota.sweeper import ReservationSweeper
from tests.conftest import offline_config
from tests.integration.test_quota import config_with_quota, open_two, request


async def test_concurrent_sweepers_give_each_reservation_back_once(database):
    config = config_with_quota(offline_config(), tokens_per_day=10_000, requests_per_day=100)
    first, second = await open_two(database)
    try:
        # A "dead" owner: its leases are already over, and nobody renews them.
        dead = QuotaService(config, first.quota, owner="dead-host:4242:deadbeef", lease=timedelta(seconds=-1))
        reservations = [await dead.reserve(request(user=f"user{i}"), 300) for i in range(12)]
        late = reservations[0]
        sweepers = [
            ReservationSweeper(QuotaService(config, store.quota), store.audit, 1)
            for store in (first, second, first, second)
        ]
        rounds = await asyncio.gather(*[s.run_once() for s in sweepers])
        swept = [item.holder.call_id for batch in rounds for item in batch]
        state = await first.quota.state(late.counters[0])
        # The call whose reservation was swept still ends (its process was only slow): it is billed
        # once, with its request counted again, and nothing goes negative.
        await dead.settle(late, 40)
        await dead.release(reservations[1])  # a failed call after the sweep: nothing to give back twice
        after = await first.quota.state(late.counters[0])
        audit = [row async for row in first.audit.rows()]
        _, problems = await first.audit.verify()
    finally:
        await first.close()
        await second.close()
    assert sorted(swept) == sorted(r.call_id for r in reservations)  # each exactly once
    assert (state.reserved_tokens, state.requests, state.used_tokens) == (0, 0, 0)
    assert (after.reserved_tokens, after.requests, after.used_tokens) == (0, 1, 40)
    assert [row["decision"] for row in audit] == ["interrupted"] * 12 and problems == []

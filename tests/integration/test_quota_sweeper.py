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


class _ReleaseFails:
    """The quota repository with the database gone for one moment: the release of a failed call raises."""

    def __init__(self, repository):
        self._repository = repository

    def __getattr__(self, name):
        return getattr(self._repository, name)

    async def release(self, *args, **kwargs):
        raise ConnectionRefusedError("database restarting")


async def test_a_living_process_renews_only_calls_in_flight_so_a_failed_release_is_swept(database):
    config = config_with_quota(offline_config(), tokens_per_day=10_000, requests_per_day=100)
    first, second = await open_two(database)
    try:
        living = QuotaService(config, _ReleaseFails(first.quota), owner="live-host:1:cafe", lease=timedelta(seconds=1))
        in_flight = await living.reserve(request(user="kim.minsu"), 300)
        orphan = await living.reserve(request(user="lee.seoyeon"), 200)
        try:
            await living.release(orphan)  # the call failed while PostgreSQL restarted: its release failed too
        except ConnectionRefusedError:
            pass
        await asyncio.sleep(1.2)  # both leases are over; the owner is alive
        swept = await ReservationSweeper(living, first.audit, 1).run_once()
        other = await ReservationSweeper(QuotaService(config, second.quota), second.audit, 1).run_once()
        state = await first.quota.state(in_flight.counters[0])
        await living.settle(in_flight, 120)
        after = await first.quota.state(in_flight.counters[0])
    finally:
        await first.close()
        await second.close()
    assert [s.holder.call_id for s in swept] == [orphan.call_id] and other == []  # the live call was renewed
    assert (state.reserved_tokens, after.reserved_tokens, after.used_tokens) == (300, 0, 120)

"""The console's daily bars are summed by local day in the database, on SQLite and PostgreSQL alike, in the office's
time zone (also across a daylight-saving change, for an office whose zone has one)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert

from bot.admin.console import AdminConsole
from bot.admin.period import choose
from bot.store import Store
from bot.store.models import UsageRecord

SEOUL = ZoneInfo("Asia/Seoul")
BERLIN = ZoneInfo("Europe/Berlin")  # summer time ends on 25 October 2026
CALLS = [
    ("traffic", datetime(2026, 10, 22, 14, 59, 59, tzinfo=UTC), 1),  # 23:59:59 KST 22 Oct / 16:59 CEST 22 Oct
    ("traffic", datetime(2026, 10, 22, 15, 0, tzinfo=UTC), 2),  # 00:00 KST 23 Oct
    ("traffic", datetime(2026, 10, 24, 21, 59, tzinfo=UTC), 4),  # 23:59 CEST 24 Oct / 06:59 KST 25 Oct
    ("traffic", datetime(2026, 10, 24, 22, 0, tzinfo=UTC), 8),  # 00:00 CEST 25 Oct (the day has 25 hours)
    ("traffic", datetime(2026, 10, 25, 22, 59, tzinfo=UTC), 16),  # 23:59 CET 25 Oct
    ("traffic", datetime(2026, 10, 25, 23, 0, tzinfo=UTC), 32),  # 00:00 CET 26 Oct
    ("road", datetime(2026, 10, 23, 3, 0, tzinfo=UTC), 64),
    ("road", datetime(2026, 10, 26, 16, 0, tzinfo=UTC), 128),  # after the range everywhere
    ("elsewhere", datetime(2026, 10, 23, 3, 0, tzinfo=UTC), 256),  # a department not asked for
]


def expected(zone: ZoneInfo, days: list[Any], departments: list[str]) -> dict[str, list[int]]:
    series = {d: [0] * len(days) for d in departments}
    for department, when, tokens in CALLS:
        day = when.astimezone(zone).date()
        if department in series and day in days:
            series[department][days.index(day)] += tokens
    return series


@pytest.mark.parametrize("zone", [SEOUL, BERLIN], ids=["Asia/Seoul", "Europe/Berlin"])
async def test_daily_bars_are_summed_per_local_day_by_the_database(database, zone):
    url, schema = database
    store = await Store.open(url, schema=schema, migrate=True)
    try:
        async with store.engine.begin() as connection:
            for n, (department, when, tokens) in enumerate(CALLS):
                await connection.execute(
                    insert(UsageRecord).values(
                        call_id=f"c{n}",
                        created_at=when,
                        department_id=department,
                        user_id="kim.minsu",
                        platform="web",
                        purpose="chat",
                        model_alias="default",
                        provider="fake0",
                        model="fake-model",
                        prompt_tokens=tokens,
                        completion_tokens=0,
                        latency_ms=1.0,
                    )
                )
        console = AdminConsole(cast(Any, SimpleNamespace(zone=zone)), store, cast(Any, None))
        period = choose("range", "2026-10-22", "2026-10-26", datetime(2026, 11, 1, tzinfo=UTC), zone)
        series = await console.daily(["traffic", "road"], period)
        assert series == expected(zone, period.days, ["traffic", "road"])
        assert sum(series["traffic"]) == 63  # nothing lost or counted twice at the day boundaries
    finally:
        await store.close()

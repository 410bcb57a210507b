"""The console's periods and daily series: local days in the office's zone, every day present, bad ranges refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.admin.period import MAX_DAYS, BadPeriod, choose, daily, shares

SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)  # already 1 December in Seoul (01:30 KST)


def test_today_and_this_month_are_the_offices_local_day_and_month():
    today = choose("today", "", "", NOW, SEOUL)
    month = choose("month", "", "", NOW, SEOUL)
    assert today.first == today.last == date(2026, 12, 1)
    assert today.since == datetime(2026, 12, 1, tzinfo=SEOUL) and today.until == datetime(2026, 12, 2, tzinfo=SEOUL)
    assert month.first == date(2026, 12, 1) and month.kind == "month"
    assert choose("nonsense", "", "", NOW, SEOUL).kind == "month"  # an unknown choice falls back to this month


def test_a_range_includes_both_ends_and_bad_ranges_say_what_to_type():
    period = choose("range", "2026-11-01", "2026-11-30", NOW, SEOUL)
    assert len(period.days) == 30 and period.until == datetime(2026, 12, 1, tzinfo=SEOUL)
    with pytest.raises(BadPeriod, match="2026-11-01처럼"):
        choose("range", "11/01/2026", "2026-11-30", NOW, SEOUL)
    with pytest.raises(BadPeriod, match="시작 날짜보다 앞"):
        choose("range", "2026-11-30", "2026-11-01", NOW, SEOUL)
    with pytest.raises(BadPeriod, match=f"{MAX_DAYS}일까지"):
        choose("range", "2024-01-01", "2026-11-01", NOW, SEOUL)


def test_a_call_just_after_local_midnight_counts_on_the_new_local_day():
    period = choose("range", "2026-11-01", "2026-11-02", NOW, SEOUL)
    calls = [
        ("traffic", datetime(2026, 10, 31, 15, 0, tzinfo=UTC), 10),  # 00:00 KST on 1 November
        ("traffic", datetime(2026, 11, 1, 14, 59, tzinfo=UTC), 5),  # 23:59 KST on 1 November
        ("traffic", datetime(2026, 11, 1, 15, 0, tzinfo=UTC), 7),  # 00:00 KST on 2 November
        ("pr", datetime(2026, 11, 2, 15, 0, tzinfo=UTC), 99),  # 3 November: outside the range
        ("other", datetime(2026, 11, 1, 3, 0, tzinfo=UTC), 50),  # a department not asked for
    ]
    assert daily(calls, period, SEOUL, ["traffic", "pr"]) == {"traffic": [15, 7], "pr": [0, 0]}


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["traffic", "pr"]),
            st.datetimes(min_value=datetime(2026, 10, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)),
            st.integers(min_value=0, max_value=10**9),
        ),
        max_size=50,
    )
)
def test_the_daily_series_holds_exactly_the_tokens_of_the_calls_inside_the_period(calls):
    period = choose("range", "2026-11-01", "2026-11-30", NOW, SEOUL)
    series = daily(calls, period, SEOUL, ["traffic", "pr"])
    inside = sum(t for _, when, t in calls if period.since <= when < period.until)
    assert sum(map(sum, series.values())) == inside
    assert all(len(values) == 30 for values in series.values())


def test_shares_add_up_to_a_hundred_or_are_all_zero():
    assert shares({"a": 1, "b": 3}) == {"a": 25.0, "b": 75.0}
    assert shares({"a": 0, "b": 0}) == {"a": 0.0, "b": 0.0}
    assert choose("range", "2026-11-01", "2026-11-01", NOW, SEOUL).until - timedelta(days=1) == datetime(
        2026, 11, 1, tzinfo=SEOUL
    )

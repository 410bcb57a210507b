"""The console's periods and daily series: local days in the office's zone, every day present, bad ranges refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.admin.period import MAX_DAYS, BadPeriod, OffsetRun, choose, fill_daily, offset_runs, shares

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


def test_a_zone_without_daylight_saving_is_one_offset_run():
    period = choose("range", "2026-11-01", "2026-11-30", NOW, SEOUL)
    assert offset_runs(period, SEOUL) == [OffsetRun(period.first, period.since, period.until, 540)]


def test_a_daylight_saving_change_splits_the_period_around_its_day():
    berlin = ZoneInfo("Europe/Berlin")
    period = choose("range", "2026-10-20", "2026-10-30", NOW, berlin)
    runs = offset_runs(period, berlin)
    assert [(r.first, r.offset_minutes) for r in runs] == [
        (date(2026, 10, 20), 120),
        (date(2026, 10, 25), None),
        (date(2026, 10, 26), 60),
    ]
    assert runs[0].since == period.since and runs[-1].until == period.until
    assert all(a.until == b.since for a, b in zip(runs, runs[1:], strict=False))


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["traffic", "pr", "other"]),
            st.dates(min_value=date(2026, 10, 1), max_value=date(2026, 12, 31)),
            st.integers(min_value=0, max_value=10**9),
        ),
        max_size=50,
    )
)
def test_the_daily_series_holds_exactly_the_tokens_of_the_days_inside_the_period(rows):
    period = choose("range", "2026-11-01", "2026-11-30", NOW, SEOUL)
    series = fill_daily(rows, period, ["traffic", "pr"])
    inside = sum(t for d, day, t in rows if period.first <= day <= period.last and d != "other")
    assert sum(map(sum, series.values())) == inside
    assert all(len(values) == 30 for values in series.values())


def test_shares_add_up_to_a_hundred_or_are_all_zero():
    assert shares({"a": 1, "b": 3}) == {"a": 25.0, "b": 75.0}
    assert shares({"a": 0, "b": 0}) == {"a": 0.0, "b": 0.0}
    assert choose("range", "2026-11-01", "2026-11-01", NOW, SEOUL).until - timedelta(days=1) == datetime(
        2026, 11, 1, tzinfo=SEOUL
    )

"""The period an admin looks at (today, this month, or a chosen range of local days) and the daily series of a
range. Pure: the clock and the office's zone are passed in, so the day boundaries are tested without a server."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Literal

PeriodKind = Literal["today", "month", "range"]
MAX_DAYS = 366  # one year of daily bars is still readable; longer ranges are refused with a message


class BadPeriod(ValueError):
    """A range the console cannot show; the message says what to type instead (Korean / English)."""


@dataclass(frozen=True, slots=True)
class Period:
    kind: PeriodKind
    first: date  # local days, both included
    last: date
    since: datetime  # aware: first local midnight
    until: datetime  # aware: the local midnight after `last`

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


def _bounds(kind: PeriodKind, first: date, last: date, zone: tzinfo) -> Period:
    since = datetime.combine(first, time(), zone)
    until = datetime.combine(last + timedelta(days=1), time(), zone)
    return Period(kind, first, last, since, until)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadPeriod(
            f"날짜 '{text[:20]}'을(를) 읽을 수 없습니다. 2026-11-01처럼 쓰세요. "
            f"/ Cannot read the date '{text[:20]}'; write it like 2026-11-01."
        ) from None


def choose(kind: str, start: str, end: str, now: datetime, zone: tzinfo) -> Period:
    """The period a usage page shows: `today`, `month` (from the 1st to today) or `range` from `start` to `end`."""
    today = now.astimezone(zone).date()
    if kind == "today":
        return _bounds("today", today, today, zone)
    if kind != "range":
        return _bounds("month", today.replace(day=1), today, zone)
    first, last = _day(start), _day(end)
    if last < first:
        raise BadPeriod("끝 날짜가 시작 날짜보다 앞입니다. / The end date is before the start date.")
    if (last - first).days + 1 > MAX_DAYS:
        raise BadPeriod(
            f"한 번에 {MAX_DAYS}일까지 볼 수 있습니다. 기간을 줄여 주세요. "
            f"/ At most {MAX_DAYS} days at a time; choose a shorter range."
        )
    return _bounds("range", first, last, zone)


def daily(
    calls: Iterable[tuple[str, datetime, int]], period: Period, zone: tzinfo, department_ids: Sequence[str]
) -> dict[str, list[int]]:
    """Tokens per department per local day of the period (every day present, zeros included), in `period.days`
    order: the stacked daily bars."""
    index = {day: n for n, day in enumerate(period.days)}
    series = {d: [0] * len(index) for d in department_ids}
    for department_id, when, tokens in calls:
        n = index.get(when.astimezone(zone).date())
        if n is not None and department_id in series:
            series[department_id][n] += tokens
    return series


def shares(totals: dict[str, int]) -> dict[str, float]:
    """Each key's share of the total in percent (0 for all when nothing was used)."""
    whole = sum(totals.values())
    return {key: (100 * value / whole if whole else 0.0) for key, value in totals.items()}

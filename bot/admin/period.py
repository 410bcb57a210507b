"""The period an admin looks at (today, this month, or a chosen range of local days) and the daily series of a
range. Pure: the clock and the office's zone are passed in, so the day boundaries are tested without a server."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
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
    since: datetime  # the first local midnight, in UTC
    until: datetime  # the local midnight after `last`, in UTC

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


def _bounds(kind: PeriodKind, first: date, last: date, zone: tzinfo) -> Period:
    # In UTC: SQLite compares stored times as text, all written in UTC, so a bound in another zone would be off.
    since = datetime.combine(first, time(), zone).astimezone(UTC)
    until = datetime.combine(last + timedelta(days=1), time(), zone).astimezone(UTC)
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


@dataclass(frozen=True, slots=True)
class OffsetRun:
    """Consecutive local days of a period with one UTC offset: the database puts a call into its local day by
    moving its UTC time by `offset_minutes`. None: a day on which the offset changes (daylight saving), summed
    as a whole and counted on `first`."""

    first: date
    since: datetime
    until: datetime
    offset_minutes: int | None


def _offset(moment: datetime) -> int:
    delta = moment.utcoffset()
    return int(delta.total_seconds() // 60) if delta is not None else 0


def offset_runs(period: Period, zone: tzinfo) -> list[OffsetRun]:
    """The period as runs of days of one UTC offset (one run in a zone without daylight saving, such as Seoul)."""
    runs: list[OffsetRun] = []
    for day in period.days:
        start = datetime.combine(day, time(), zone)
        end = datetime.combine(day + timedelta(days=1), time(), zone)
        offset = _offset(start) if _offset(start) == _offset(end) else None
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        last = runs[-1] if runs else None
        if last is not None and offset is not None and last.offset_minutes == offset:
            runs[-1] = OffsetRun(last.first, last.since, end, offset)
        else:
            runs.append(OffsetRun(day, start, end, offset))
    return runs


def fill_daily(
    rows: Iterable[tuple[str, date, int]], period: Period, department_ids: Sequence[str]
) -> dict[str, list[int]]:
    """Tokens per department per local day of the period (every day present, zeros included), in `period.days`
    order: the stacked daily bars, from the database's (department, day, tokens) sums."""
    index = {day: n for n, day in enumerate(period.days)}
    series = {d: [0] * len(index) for d in department_ids}
    for department_id, day, tokens in rows:
        n = index.get(day)
        if n is not None and department_id in series:
            series[department_id][n] += tokens
    return series


def shares(totals: dict[str, int]) -> dict[str, float]:
    """Each key's share of the total in percent (0 for all when nothing was used)."""
    whole = sum(totals.values())
    return {key: (100 * value / whole if whole else 0.0) for key, value in totals.items()}

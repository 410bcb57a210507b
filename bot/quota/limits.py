"""Which limits apply to a call, and in which period. Pure: no clock, no database.

A counter is identified by (scope, subject, period); several limits may share one counter (tokens
and requests of a department today). Periods are keys in the office's local time, so a day ends at
local midnight, and a settlement always goes to the counters its reservation used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.config import Quota
from bot.i18n import t

Kind = Literal["tokens", "requests"]
Scope = Literal["dept", "user"]
Period = Literal["minute", "day", "month"]


@dataclass(frozen=True, slots=True)
class LimitSpec:
    """One limit an admin can set: whose counter (the department's or one user's), what it counts, per what."""

    name: str
    scope: Scope
    kind: Kind
    period: Period


# The one table of settable limits: app.yaml's Quota fields, the CLI, /quota and the service all read it.
LIMITS = (
    LimitSpec("tokens_per_day", "dept", "tokens", "day"),
    LimitSpec("tokens_per_month", "dept", "tokens", "month"),
    LimitSpec("requests_per_day", "dept", "requests", "day"),
    LimitSpec("user_tokens_per_day", "user", "tokens", "day"),
    LimitSpec("user_requests_per_minute", "user", "requests", "minute"),
)
LIMIT_NAMES = tuple(spec.name for spec in LIMITS)
_BY_NAME = {spec.name: spec for spec in LIMITS}

LABELS_KO = {
    "tokens_per_day": "부서 하루 토큰 한도",
    "tokens_per_month": "부서 한 달 토큰 한도",
    "requests_per_day": "부서 하루 요청 수 한도",
    "user_tokens_per_day": "개인 하루 토큰 한도",
    "user_requests_per_minute": "개인 분당 요청 수 한도",
    "assistant_tokens_per_day": "도우미 하루 토큰 한도",
}
LABELS_EN = {
    "tokens_per_day": "department daily token limit",
    "tokens_per_month": "department monthly token limit",
    "requests_per_day": "department daily request limit",
    "user_tokens_per_day": "personal daily token limit",
    "user_requests_per_minute": "personal per-minute request limit",
    "assistant_tokens_per_day": "assistant daily token limit",
}


@dataclass(frozen=True, slots=True, order=True)
class CounterKey:
    scope: str  # dept, user, assistant
    subject: str
    period: str


@dataclass(frozen=True, slots=True)
class Limit:
    name: str
    counter: CounterKey
    kind: Kind
    value: int
    resets_at: datetime  # local time the period ends


@dataclass(frozen=True, slots=True)
class Periods:
    minute: str
    day: str
    month: str
    minute_end: datetime
    day_end: datetime
    month_end: datetime


def periods(now_local: datetime) -> Periods:
    minute_start = now_local.replace(second=0, microsecond=0)
    day_start = minute_start.replace(hour=0, minute=0)
    month_start = day_start.replace(day=1)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    return Periods(
        minute=f"minute:{minute_start:%Y-%m-%dT%H:%M}",
        day=f"day:{day_start:%Y-%m-%d}",
        month=f"month:{month_start:%Y-%m}",
        minute_end=minute_start + timedelta(minutes=1),
        day_end=day_start + timedelta(days=1),
        month_end=next_month,
    )


def period_key(name: str, p: Periods) -> str:
    """The period key a named limit counts in (a day for names outside the table)."""
    spec = _BY_NAME.get(name)
    return getattr(p, spec.period) if spec else p.day


def counter_of(spec: LimitSpec, department_id: str, user_id: str, p: Periods) -> tuple[CounterKey, datetime]:
    """The counter a limit is checked against in these periods, and when that period ends."""
    subject = department_id if spec.scope == "dept" else f"{department_id}:{user_id}"
    return CounterKey(spec.scope, subject, getattr(p, spec.period)), getattr(p, f"{spec.period}_end")


def counters_for(department_id: str, user_id: str, assistant_id: str | None, p: Periods) -> list[CounterKey]:
    """The counters every call moves, limited or not, so a limit set mid-period starts from real usage."""
    keys = [
        CounterKey("dept", department_id, p.day),
        CounterKey("dept", department_id, p.month),
        CounterKey("user", f"{department_id}:{user_id}", p.day),
        CounterKey("user", f"{department_id}:{user_id}", p.minute),
    ]
    if assistant_id:
        keys.append(CounterKey("assistant", f"{department_id}:{assistant_id}", p.day))
    return sorted(keys)


def effective_values(
    quota: Quota, overrides: Mapping[str, int | None], grants: Mapping[str, int]
) -> dict[str, int | None]:
    """app.yaml's limits, replaced by admin overrides, plus this period's one-off grants."""
    values: dict[str, int | None] = {name: getattr(quota, name) for name in LIMIT_NAMES}
    values.update({k: v for k, v in overrides.items() if k in values})
    for name, extra in grants.items():
        current = values.get(name)
        if current is not None:
            values[name] = current + extra
    return values


def limits_for(
    department_id: str,
    user_id: str,
    assistant_id: str | None,
    values: Mapping[str, int | None],
    assistant_limits: Mapping[str, int],
    p: Periods,
) -> list[Limit]:
    out = []
    for spec in LIMITS:
        value = values.get(spec.name)
        if value is not None:
            key, ends = counter_of(spec, department_id, user_id, p)
            out.append(Limit(spec.name, key, spec.kind, int(value), ends))
    if assistant_id and assistant_id in assistant_limits:
        key = CounterKey("assistant", f"{department_id}:{assistant_id}", p.day)
        out.append(Limit("assistant_tokens_per_day", key, "tokens", assistant_limits[assistant_id], p.day_end))
    return out


def refusal_text(limit: Limit, department_name: str, admins: str, locale: str) -> tuple[str, str]:
    """(Korean, English): which limit, when it resets, whom to ask."""
    ko, en = (
        t(
            "quota_refused",
            language,
            department=department_name,
            label=t(f"quota_limit_{limit.name}", language),  # quota_limit_tokens_per_day, ...
            value=limit.value,
            resets_at=limit.resets_at,
            admins=admins,
        )
        for language in ("ko", "en")
    )
    return ko, en

"""Quota decisions for the gateway and the admin tools, on top of the counter repository."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.config import AppConfig, Department
from bot.gateway.errors import QuotaExceeded
from bot.gateway.types import GatewayRequest
from bot.quota.limits import (
    LABELS_EN,
    LABELS_KO,
    LIMIT_NAMES,
    CounterKey,
    Limit,
    Periods,
    counters_for,
    effective_values,
    limits_for,
    periods,
    refusal_text,
)
from bot.store.quota_repository import QuotaRepository

log = logging.getLogger(__name__)
WARN_AT = 0.8
Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class Reservation:
    counters: tuple[CounterKey, ...]
    tokens: int
    limits: tuple[Limit, ...]


@dataclass(frozen=True, slots=True)
class LimitStatus:
    name: str
    label_ko: str
    label_en: str
    used: int
    value: int | None
    resets_at: datetime


class QuotaService:
    def __init__(self, config: AppConfig, repository: QuotaRepository, clock: Clock | None = None):
        self._config = config
        self._repo = repository
        self._clock = clock or (lambda: datetime.now(UTC))

    def _periods(self) -> Periods:
        return periods(self._clock().astimezone(self._config.zone))

    def _department(self, department_id: str) -> Department:
        department = self._config.department(department_id)
        if department is None:
            raise KeyError(department_id)
        return department

    @staticmethod
    def _period_of(name: str, p: Periods) -> str:
        return {"tokens_per_month": p.month, "user_requests_per_minute": p.minute}.get(name, p.day)

    async def _limits(self, department: Department, user_id: str, assistant_id: str | None, p: Periods) -> list[Limit]:
        overrides, grants = await self._repo.overrides(department.id, {n: self._period_of(n, p) for n in LIMIT_NAMES})
        values = effective_values(department.quota, overrides, grants)
        return limits_for(department.id, user_id, assistant_id, values, department.quota.assistant_tokens_per_day, p)

    async def reserve(self, request: GatewayRequest, tokens: int, locale: str = "ko") -> Reservation:
        department = self._department(request.department_id)
        p = self._periods()
        limits = await self._limits(department, request.user_id, request.assistant_id, p)
        counters = tuple(counters_for(department.id, request.user_id, request.assistant_id, p))
        exceeded = await self._repo.reserve(counters, limits, tokens)
        if exceeded is not None:
            log.info("quota refused: department=%s limit=%s", department.id, exceeded.name)
            admins = (
                ", ".join(m.name for m in department.members if m.user in department.admins)
                or self._config.organisation.support_contact
            )
            ko, en = refusal_text(exceeded, department.name, admins, locale)
            retry_after = max(
                1, int((exceeded.resets_at - self._clock().astimezone(self._config.zone)).total_seconds())
            )
            raise QuotaExceeded(ko, en, retry_after=retry_after)
        return Reservation(counters, tokens, tuple(limits))

    async def settle(
        self, reservation: Reservation, actual_tokens: int, connection: AsyncConnection | None = None
    ) -> None:
        """Charge the real usage to the reserved counters (and claim the 80% warning), inside the
        caller's transaction when `connection` is given."""
        used = await self._repo.settle(reservation.counters, reservation.tokens, actual_tokens, connection)
        for limit in reservation.limits:
            if limit.kind != "tokens" or limit.value <= 0:
                continue
            if used.get(limit.counter, 0) >= WARN_AT * limit.value:
                department_id = limit.counter.subject.split(":", 1)[0]
                if await self._repo.claim_alert(department_id, limit.name, limit.counter.period, connection):
                    log.warning(
                        "quota at %d%%: department=%s limit=%s",
                        int(100 * used[limit.counter] / limit.value),
                        department_id,
                        limit.name,
                    )

    async def release(self, reservation: Reservation) -> None:
        await self._repo.release(reservation.counters, reservation.tokens)

    async def status(self, department_id: str) -> list[LimitStatus]:
        """Department-wide limits with their current use (for /quota and `govbot quota show`)."""
        department = self._department(department_id)
        p = self._periods()
        overrides, grants = await self._repo.overrides(department.id, {n: self._period_of(n, p) for n in LIMIT_NAMES})
        values = effective_values(department.quota, overrides, grants)
        out = []
        for name, key, kind, ends in (
            ("tokens_per_day", CounterKey("dept", department.id, p.day), "tokens", p.day_end),
            ("tokens_per_month", CounterKey("dept", department.id, p.month), "tokens", p.month_end),
            ("requests_per_day", CounterKey("dept", department.id, p.day), "requests", p.day_end),
        ):
            state = await self._repo.state(key)
            used = state.used_tokens if kind == "tokens" else state.requests
            out.append(LimitStatus(name, LABELS_KO[name], LABELS_EN[name], used, values[name], ends))
        return out

    async def alerts_for_admin(self, department_id: str) -> list[str]:
        """Korean lines for warnings an admin of this department has not seen yet."""
        taken = await self._repo.take_undelivered_alerts(department_id)
        return [
            f"⚠️ {LABELS_KO.get(name, name)} 사용량이 80%를 넘었습니다 ({period.split(':', 1)[1]})."
            for name, period in taken
        ]

    # ---- admin changes (callers check permissions) -------------------------------------

    async def set_limit(self, department_id: str, name: str, value: int | None, by: str) -> None:
        self._department(department_id)
        _check_name(name)
        await self._repo.set_override(department_id, name, value, by)

    async def grant(self, department_id: str, name: str, amount: int, by: str) -> int:
        self._department(department_id)
        _check_name(name)
        return await self._repo.add_grant(department_id, name, amount, self._period_of(name, self._periods()), by)

    async def reset(self, department_id: str) -> int:
        self._department(department_id)
        return await self._repo.clear_overrides(department_id)


def _check_name(name: str) -> None:
    if name not in LIMIT_NAMES:
        raise ValueError(
            f"알 수 없는 한도 이름 '{name}'입니다. 다음 중 하나를 쓰세요: {', '.join(LIMIT_NAMES)} / Unknown limit '{name}'."
        )

"""Quota decisions for the gateway and the admin tools, on top of the counter repository."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.audit.admin import AdminChange, AuditAppender, recorder
from bot.config import MAX_LIMIT, AppConfig, Department
from bot.gateway.errors import QuotaExceeded
from bot.gateway.types import GatewayRequest
from bot.quota.limits import (
    LABELS_EN,
    LABELS_KO,
    LIMIT_NAMES,
    LIMITS,
    CounterKey,
    Limit,
    Periods,
    counter_of,
    counters_for,
    effective_values,
    limits_for,
    period_key,
    periods,
    refusal_text,
)
from bot.store.quota_repository import Holder, QuotaRepository, Settlement, Swept

log = logging.getLogger(__name__)
WARN_AT = 0.8
Clock = Callable[[], datetime]
# How long a reservation outlives its owner's last renewal (the owner renews well before), and the
# longest a call may hold one at all, even in a living process.
LEASE = timedelta(seconds=60)
MAX_HOLD = timedelta(hours=1)


def process_identity() -> str:
    """host:pid:boot id: unique per process, also across restarts that reuse a pid."""
    return f"{socket.gethostname()[:48]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True, slots=True)
class Reservation:
    counters: tuple[CounterKey, ...]
    tokens: int
    limits: tuple[Limit, ...]
    call_id: str


@dataclass(frozen=True, slots=True)
class LimitStatus:
    name: str
    label_ko: str
    label_en: str
    used: int
    value: int | None
    resets_at: datetime
    reserved: int = 0  # tokens held by calls still in flight (token limits only)


class QuotaService:
    def __init__(
        self,
        config: AppConfig,
        repository: QuotaRepository,
        clock: Clock | None = None,
        *,
        owner: str | None = None,
        lease: timedelta = LEASE,
    ):
        self._config = config
        self._repo = repository
        self._clock = clock or (lambda: datetime.now(UTC))
        self.owner = owner or process_identity()
        self.lease = lease
        # Call ids this process reserved and has not yet settled or released: only these are renewed, so a
        # reservation whose release failed (database away) expires like a dead process's instead of being
        # kept alive by a living owner for MAX_HOLD.
        self._in_flight: set[str] = set()

    def _periods(self) -> Periods:
        return periods(self._clock().astimezone(self._config.zone))

    def _department(self, department_id: str) -> Department:
        department = self._config.department(department_id)
        if department is None:
            raise KeyError(department_id)
        return department

    async def _limits(self, department: Department, user_id: str, assistant_id: str | None, p: Periods) -> list[Limit]:
        """Overrides may be up to OVERRIDE_CACHE_SECONDS old when another process changed them; counters never."""
        overrides, grants = await self._repo.overrides(department.id, {n: period_key(n, p) for n in LIMIT_NAMES})
        values = effective_values(department.quota, overrides, grants)
        return limits_for(department.id, user_id, assistant_id, values, department.quota.assistant_tokens_per_day, p)

    async def reserve(
        self,
        request: GatewayRequest,
        tokens: int,
        locale: str = "ko",
        *,
        call_id: str | None = None,
        findings: Mapping[str, int] | None = None,
    ) -> Reservation:
        """Hold `tokens` and one request for the call `call_id` (the gateway's call id, so an
        interrupted call's audit record carries it); `findings` go into that record."""
        department = self._department(request.department_id)
        p = self._periods()
        limits = await self._limits(department, request.user_id, request.assistant_id, p)
        counters = tuple(counters_for(department.id, request.user_id, request.assistant_id, p))
        holder = Holder(
            call_id=call_id or uuid.uuid4().hex,
            owner=self.owner,
            expires_at=datetime.now(UTC) + self.lease,
            department_id=department.id,
            user_id=request.user_id,
            platform=request.platform,
            purpose=request.purpose,
            assistant_id=request.assistant_id,
            model_alias=request.model,
            findings=dict(findings or {}),
        )
        exceeded = await self._repo.reserve(counters, limits, tokens, holder)
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
        self._in_flight.add(holder.call_id)
        return Reservation(counters, tokens, tuple(limits), holder.call_id)

    async def settle(
        self,
        reservation: Reservation,
        actual_tokens: int,
        connection: AsyncConnection | None = None,
        *,
        locked: bool = False,
    ) -> None:
        """Charge the real usage to the reserved counters (and claim the 80% warning), inside the
        caller's transaction when `connection` is given; `locked` when that transaction already holds the
        counters' row locks (the group commit's batch)."""
        try:
            used = await self._repo.settle(
                reservation.call_id, reservation.counters, reservation.tokens, actual_tokens, connection, locked=locked
            )
        finally:
            self._in_flight.discard(reservation.call_id)
        await self._claim_alerts(reservation.limits, used, connection, set())

    async def settle_many(self, connection: AsyncConnection, settlements: list[tuple[Reservation, int]]) -> None:
        """`settle` for a group commit's batch, in its transaction, which already holds the counters' row locks:
        one statement for all the batch's reservations and one for their counters (changed once each, by the
        sum of the calls' changes)."""
        try:
            used = await self._repo.settle_many(
                connection, [Settlement(r.call_id, r.counters, r.tokens, actual) for r, actual in settlements]
            )
        finally:
            for reservation, _ in settlements:
                self._in_flight.discard(reservation.call_id)
        claimed: set[tuple[str, CounterKey]] = set()
        for reservation, _ in settlements:
            await self._claim_alerts(reservation.limits, used, connection, claimed)

    async def _claim_alerts(
        self,
        limits: Sequence[Limit],
        used: Mapping[CounterKey, int],
        connection: AsyncConnection | None,
        claimed: set[tuple[str, CounterKey]],
    ) -> None:
        """The 80% warning of each token limit now at or past it, once per limit and counter in `claimed`."""
        for limit in limits:
            if limit.kind != "tokens" or limit.value <= 0 or (limit.name, limit.counter) in claimed:
                continue
            if used.get(limit.counter, 0) >= WARN_AT * limit.value:
                claimed.add((limit.name, limit.counter))
                department_id = limit.counter.subject.split(":", 1)[0]
                if await self._repo.claim_alert(department_id, limit.name, limit.counter.period, connection):
                    log.warning(
                        "quota at %d%%: department=%s limit=%s",
                        int(100 * used[limit.counter] / limit.value),
                        department_id,
                        limit.name,
                    )

    async def release(self, reservation: Reservation) -> None:
        """Give the reservation back; if that fails, it is no longer renewed and the sweeper gives it back."""
        try:
            await self._repo.release(reservation.call_id, reservation.counters, reservation.tokens)
        finally:
            self._in_flight.discard(reservation.call_id)

    async def sweep_expired(self, on_swept: Callable[[Swept, AsyncConnection], Awaitable[object]]) -> list[Swept]:
        """Give back every reservation whose owner stopped renewing it (see sweeper.py)."""
        return await self._repo.sweep(datetime.now(UTC), on_swept)

    async def renew_own(self) -> int:
        """Keep this process's in-flight reservations alive (the sweeper calls it every few seconds)."""
        if not self._in_flight:
            return 0
        now = datetime.now(UTC)
        return await self._repo.renew(self.owner, sorted(self._in_flight), now + self.lease, now - MAX_HOLD)

    async def status(self, department_id: str) -> list[LimitStatus]:
        """Department-wide limits with their current use (for /quota and `govbot quota show`)."""
        department = self._department(department_id)
        p = self._periods()
        periods_now = {n: period_key(n, p) for n in LIMIT_NAMES}
        overrides, grants = await self._repo.overrides(department.id, periods_now, fresh=True)  # an admin's view
        values = effective_values(department.quota, overrides, grants)
        out = []
        for spec in (spec for spec in LIMITS if spec.scope == "dept"):
            key, ends = counter_of(spec, department.id, "", p)
            state = await self._repo.state(key)
            used = state.used_tokens if spec.kind == "tokens" else state.requests
            reserved = state.reserved_tokens if spec.kind == "tokens" else 0
            name = spec.name
            out.append(LimitStatus(name, LABELS_KO[name], LABELS_EN[name], used, values[name], ends, reserved))
        return out

    async def user_status(self, department_id: str, user_ids: Sequence[str]) -> dict[str, list[LimitStatus]]:
        """Each user's personal limits (user_tokens_per_day, ...) with that user's current use: the console's
        per-user bars, read from the same counters the gateway reserves on."""
        department = self._department(department_id)
        p = self._periods()
        periods_now = {n: period_key(n, p) for n in LIMIT_NAMES}
        overrides, grants = await self._repo.overrides(department.id, periods_now, fresh=True)  # an admin's view
        values = effective_values(department.quota, overrides, grants)
        out: dict[str, list[LimitStatus]] = {}
        for user_id in user_ids:
            lines = []
            for spec in (spec for spec in LIMITS if spec.scope == "user"):
                key, ends = counter_of(spec, department.id, user_id, p)
                state = await self._repo.state(key)
                used = state.used_tokens if spec.kind == "tokens" else state.requests
                reserved = state.reserved_tokens if spec.kind == "tokens" else 0
                name = spec.name
                lines.append(LimitStatus(name, LABELS_KO[name], LABELS_EN[name], used, values[name], ends, reserved))
            out[user_id] = lines
        return out

    async def alerts_for_admin(self, department_id: str) -> list[str]:
        """Korean lines for warnings an admin of this department has not seen yet."""
        taken = await self._repo.take_undelivered_alerts(department_id)
        return [
            f"⚠️ {LABELS_KO.get(name, name)} 사용량이 80%를 넘었습니다 ({period.split(':', 1)[1]})."
            for name, period in taken
        ]

    # ---- admin changes (callers check permissions) -------------------------------------
    # Each change and its signed audit record (who, which limit, before, after) commit together; `platform` is
    # the surface it came from (a messenger, "cli", "admin" for the console).

    async def set_limit(
        self, department_id: str, name: str, value: int | None, by: str, *, audit: AuditAppender, platform: str
    ) -> None:
        department = self._department(department_id)
        _check_name(name)
        if value is not None:
            check_limit_value(value)
        configured = getattr(department.quota, name, None)
        change = AdminChange("quota_set", by, department_id, {"limit": name}, platform)
        record = recorder(audit, change)

        async def with_configured(connection: AsyncConnection, before: object, after: object) -> None:
            # No override before: the limit was app.yaml's.
            await record(connection, before if before is not None else {"value": configured, "from": "app.yaml"}, after)

        await self._repo.set_override(department_id, name, value, by, record=with_configured)

    async def grant(
        self, department_id: str, name: str, amount: int, by: str, *, audit: AuditAppender, platform: str
    ) -> int:
        self._department(department_id)
        _check_name(name)
        check_limit_value(amount)
        change = AdminChange("quota_grant", by, department_id, {"limit": name, "amount": amount}, platform)
        return await self._repo.add_grant(
            department_id, name, amount, period_key(name, self._periods()), by, record=recorder(audit, change)
        )

    async def reset(self, department_id: str, *, by: str, audit: AuditAppender, platform: str) -> int:
        self._department(department_id)
        change = AdminChange("quota_reset", by, department_id, {"limits": "all"}, platform)
        return await self._repo.clear_overrides(department_id, record=recorder(audit, change))


def check_limit_value(value: int) -> None:
    """Limits are exact in a 64-bit counter and in every JSON client only up to 2^53."""
    if not 0 <= value <= MAX_LIMIT:
        raise ValueError(
            f"한도 값은 0 이상 {MAX_LIMIT:,} 이하여야 합니다(입력 {value:,}). 제한을 없애려면 none을 쓰세요. "
            f"/ A limit must be between 0 and {MAX_LIMIT:,} (got {value:,}); use none for no limit."
        )


def _check_name(name: str) -> None:
    if name not in LIMIT_NAMES:
        raise ValueError(
            f"알 수 없는 한도 이름 '{name}'입니다. 다음 중 하나를 쓰세요: {', '.join(LIMIT_NAMES)} / Unknown limit '{name}'."
        )

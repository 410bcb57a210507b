"""What the admin console may read and change, with who may do it decided here (not in the pages).

Changes go through the same code as the chat commands and the CLI: quotas through `QuotaService` (the
instance the gateway reserves with), roles through `bot.roles.change_role` (what `/role` calls), keys through
the key repository (what `govbot keys` uses). Whether someone is an admin is the effective role of
bot/roles.py (app.yaml plus `/role` grants). Office admins (app.yaml `organisation.admins`) administer every
department; a department admin only their own; user ids are shown only to that department's admins.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from assistants.registry import AssistantRegistry
from assistants.spec import AssistantSpec
from bot.admin.audit_view import LIST_LIMIT, AuditFilter, AuditLine, Caught, caught, line
from bot.admin.bars import QuotaBar, quota_bar
from bot.admin.period import Period, fill_daily, offset_runs
from bot.admin.versions import DiffLine, spec_diff
from bot.audit.admin import AdminChange, recorder
from bot.audit.chain import Problem
from bot.config import AppConfig, Department
from bot.conversation import Who
from bot.quota.limits import LIMIT_NAMES
from bot.quota.service import QuotaService
from bot.roles import change_role, configured_role, effective_role
from bot.store import Store
from bot.store.assistants_repository import AssistantState, VersionInfo
from bot.store.keys_repository import KeyInfo
from bot.store.repositories import UsageGroup, UsageRow

log = logging.getLogger(__name__)
SURFACE = "admin"  # the `platform` of the console's audit records


class NotAllowed(Exception):
    """The signed-in official may not see or change this department."""


@dataclass(frozen=True, slots=True)
class Scope:
    """An admin's reach: the departments they may see and manage, and those whose user ids they may see."""

    user_id: str
    name: str
    office: bool  # an office admin (organisation.admins): every department
    departments: tuple[Department, ...]
    own: frozenset[str]  # departments they are an admin of

    def may(self, department_id: str) -> bool:
        return any(d.id == department_id for d in self.departments)

    def sees_users(self, department_id: str) -> bool:
        return department_id in self.own


@dataclass(frozen=True, slots=True)
class UsageLine:
    department_id: str
    key: str  # department id, assistant id ("" for calls without one) or user id
    today_tokens: int
    today_requests: int
    month_tokens: int
    month_requests: int


@dataclass(frozen=True, slots=True)
class RoleLine:
    user_id: str
    name: str
    configured: str  # app.yaml
    granted: str | None  # a run-time grant (/role), if any
    granted_by: str | None
    effective: str


@dataclass(frozen=True, slots=True)
class AssistantLine:
    state: AssistantState
    spec: AssistantSpec  # the latest version (drafts included)
    month_tokens: int
    month_requests: int
    last_editor: str


@dataclass(slots=True)
class FullCheck:
    """The console's full verification of the chain, run in the background: its progress and last result."""

    running: bool = False
    done: int = 0
    total: int = 0
    checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    finished_at: datetime | None = None
    by: str = ""


@dataclass(frozen=True, slots=True)
class ChainStatus:
    checked: int  # records checked by this page load (those since the last verification)
    problems: list[Problem]
    verified_through: int  # the last record that verified
    full_at: datetime | None  # when the last full verification succeeded
    full: FullCheck


class AdminConsole:
    def __init__(self, config: AppConfig, store: Store, quota: QuotaService, registry: AssistantRegistry | None = None):
        self._config = config
        self._store = store
        self._quota = quota
        self._registry = registry
        self._full = FullCheck()
        self._full_task: asyncio.Task[None] | None = None

    @property
    def config(self) -> AppConfig:
        return self._config

    @property
    def limit_names(self) -> tuple[str, ...]:
        """The limits an admin may set or grant (what `/quota set` accepts)."""
        return LIMIT_NAMES

    async def scope(self, who: Who) -> Scope | None:
        """The admin's reach, or None for an official who is no kind of admin."""
        user = who.user_id
        office = user in self._config.organisation.admins
        own = frozenset(
            [
                d.id
                for d in self._config.departments
                if await effective_role(self._store.roles, d, user, configured_role(d, user)) == "admin"
            ]
        )
        if not office and not own:
            return None
        departments = tuple(d for d in self._config.departments if office or d.id in own)
        return Scope(user, who.name, office, departments, own)

    def department(self, scope: Scope, department_id: str) -> Department:
        department = self._config.department(department_id)
        if department is None or not scope.may(department_id):
            raise NotAllowed(department_id)
        return department

    # ---- usage ---------------------------------------------------------------------------

    async def usage(self, by: UsageGroup, department_ids: Sequence[str], now: datetime) -> list[UsageLine]:
        """Today's and this month's use (office time zone) per group, largest month first."""
        local = now.astimezone(self._config.zone)
        day = local.replace(hour=0, minute=0, second=0, microsecond=0)
        month = day.replace(day=1)
        day, month = day.astimezone(UTC), month.astimezone(UTC)  # SQLite compares the stored UTC times as text
        today = {(r.department_id, r.key): r for r in await self._store.usage.breakdown(by, day, department_ids)}
        lines = [
            UsageLine(
                r.department_id,
                r.key,
                today[(r.department_id, r.key)].tokens if (r.department_id, r.key) in today else 0,
                today[(r.department_id, r.key)].requests if (r.department_id, r.key) in today else 0,
                r.tokens,
                r.requests,
            )
            for r in await self._store.usage.breakdown(by, month, department_ids)
        ]
        if by == "department":  # every department appears, also one that has not used anything yet
            seen = {line.key for line in lines}
            lines += [UsageLine(d, d, 0, 0, 0, 0) for d in department_ids if d not in seen]
        return lines

    async def period_usage(self, by: UsageGroup, department_ids: Sequence[str], period: Period) -> list[UsageRow]:
        """Tokens and requests per group in a chosen period (today, this month or a range of local days)."""
        if not department_ids:
            return []
        rows = await self._store.usage.breakdown(by, period.since, department_ids, period.until)
        if by == "department":
            seen = {row.key for row in rows}
            rows += [UsageRow(d, d, 0, 0) for d in department_ids if d not in seen]
        return rows

    async def daily(self, department_ids: Sequence[str], period: Period) -> dict[str, list[int]]:
        """Tokens per department per local day of the period (the daily bars)."""
        rows: list[tuple[str, date, int]] = []
        for run in offset_runs(period, self._config.zone):  # one run (one query) unless the zone changes offset
            found = await self._store.usage.daily_tokens(run.since, run.until, department_ids, run.offset_minutes)
            rows += [(d, day or run.first, tokens) for d, day, tokens in found]
        return fill_daily(rows, period, department_ids)

    async def user_bars(self, scope: Scope, department_id: str, user_ids: Sequence[str]) -> dict[str, list[QuotaBar]]:
        """Each user's personal limits with their use today: only for that department's own admins."""
        if not scope.sees_users(department_id):
            raise NotAllowed(department_id)
        status = await self._quota.user_status(department_id, user_ids)
        return {user: [quota_bar(s.name, s.used, s.reserved, s.value) for s in lines] for user, lines in status.items()}

    async def bars(self, department_id: str) -> list[QuotaBar]:
        """Each department-wide limit with its use, from the same status `/quota` shows."""
        return [quota_bar(s.name, s.used, s.reserved, s.value) for s in await self._quota.status(department_id)]

    # ---- quotas: the chat command's and the CLI's service ----------------------------------

    async def set_limit(self, scope: Scope, department_id: str, name: str, value: int | None) -> None:
        self.department(scope, department_id)
        await self._quota.set_limit(
            department_id, name, value, by=scope.user_id, audit=self._store.audit, platform=SURFACE
        )

    async def grant(self, scope: Scope, department_id: str, name: str, amount: int) -> int:
        self.department(scope, department_id)
        if amount <= 0:
            raise ValueError(amount)
        return await self._quota.grant(
            department_id, name, amount, by=scope.user_id, audit=self._store.audit, platform=SURFACE
        )

    async def reset(self, scope: Scope, department_id: str) -> int:
        self.department(scope, department_id)
        return await self._quota.reset(department_id, by=scope.user_id, audit=self._store.audit, platform=SURFACE)

    # ---- roles: what /role does ---------------------------------------------------------------

    async def roles(self, scope: Scope, department_id: str) -> list[RoleLine]:
        department = self.department(scope, department_id)
        granted = {user: (role, by) for user, role, by in await self._store.roles.all(department_id)}
        names = {m.user: m.name for m in department.members}
        users = [*names, *(u for u in granted if u not in names)]
        lines = []
        for user in users:
            configured = configured_role(department, user)
            role, by = granted.get(user, (None, None))
            effective = await effective_role(self._store.roles, department, user, configured)
            lines.append(RoleLine(user, names.get(user, ""), configured, role, by, effective))
        return lines

    async def change_role(self, scope: Scope, department_id: str, user_id: str, role: str) -> None:
        self.department(scope, department_id)
        if not user_id or len(user_id) > 128:
            raise ValueError(user_id)
        await change_role(
            self._store.roles, department_id, user_id, role, by=scope.user_id, audit=self._store.audit, platform=SURFACE
        )

    # ---- API keys: what `govbot keys` does ---------------------------------------------------

    async def keys(self, scope: Scope, department_id: str) -> list[KeyInfo]:
        """The department's keys as the key store lists them (prefix only; a key's value is never kept)."""
        self.department(scope, department_id)
        return await self._store.keys.list(department_id)

    async def create_key(self, scope: Scope, department_id: str, name: str) -> tuple[str, str]:
        """(the key, shown once and never stored; its prefix)."""
        self.department(scope, department_id)
        key, info = await self._store.keys.create(
            department_id, name.strip()[:100] or "기본 키", scope.user_id, platform=SURFACE
        )
        return key, info.prefix

    async def revoke_key(self, scope: Scope, department_id: str, prefix: str) -> int:
        """Revoke the department's key with this prefix (a prefix of another department's key is refused)."""
        self.department(scope, department_id)
        if not any(k.prefix == prefix for k in await self._store.keys.list(department_id)):
            raise NotAllowed(prefix)
        return await self._store.keys.revoke(prefix, by=scope.user_id, platform=SURFACE)

    # ---- audit trail: metadata only --------------------------------------------------------

    def _audit_departments(self, scope: Scope, wanted: str) -> list[str]:
        if wanted:
            self.department(scope, wanted)
            return [wanted]
        return [d.id for d in scope.departments]

    async def audit_records(
        self, scope: Scope, chosen: AuditFilter, *, limit: int | None = LIST_LIMIT
    ) -> list[AuditLine]:
        """The records the filters match, newest first. A user filter searches only departments whose user ids the
        admin may see, so it cannot be used to find out who asked what elsewhere."""
        ids = self._audit_departments(scope, chosen.department)
        if chosen.user:
            ids = [d for d in ids if scope.sees_users(d)]
        if not ids:
            return []
        period = chosen.period
        records = await self._store.audit.search(
            period.since,
            period.until,
            ids,
            user_id=chosen.user or None,
            decision=chosen.decision or None,
            finding=chosen.finding or None,
            limit=limit,
        )
        zone = self._config.zone
        return [line(r, zone, scope.sees_users(str(r["department_id"]))) for r in records]

    async def chain_status(self) -> ChainStatus:
        """The chain checked from where the last verification ended (cheap on every page load), with the state of the
        background full verification; the first problem names the first broken record."""
        checked, problems = await self._store.audit.verify_new()
        mark, full_at = await self._store.audit.verified()
        return ChainStatus(checked, problems, mark.records if mark else 0, full_at, self._full)

    def start_full_check(self, scope: Scope) -> bool:
        """Verify every record in the background (office admins only); False when one is already running."""
        if not scope.office:
            raise NotAllowed("audit")
        if self._full.running:
            return False
        self._full = FullCheck(running=True, by=scope.user_id)
        self._full_task = asyncio.create_task(self._run_full_check(self._full))
        return True

    async def _run_full_check(self, state: FullCheck) -> None:
        def progress(done: int, total: int) -> None:
            state.done, state.total = done, total

        try:
            state.checked, state.problems = await self._store.audit.verify_full(progress=progress)
            state.done = state.total = state.checked
        except Exception:  # the page says it failed; the reason goes to the log without any record's content
            log.exception("full audit verification failed")
            state.problems = [Problem(0, "", "failed", "전체 검증이 중단되었습니다.", "The full verification stopped.")]
        finally:
            state.running = False
            state.finished_at = datetime.now(UTC)

    async def caught(self, scope: Scope, period: Period, department: str = "") -> list[Caught]:
        """What the PII and prohibited-word policies caught in the period, by finding type and department."""
        ids = self._audit_departments(scope, department)
        return caught(await self._store.audit.findings_between(period.since, period.until, ids))

    # ---- department assistants ---------------------------------------------------------------

    async def assistants(self, scope: Scope, department_id: str, period: Period) -> list[AssistantLine]:
        """The department's own assistants with their use in the period and who saved the latest version."""
        self.department(scope, department_id)
        used = {r.key: r for r in await self.period_usage("assistant", [department_id], period)}
        lines = []
        for state, spec in await self._store.assistants.latest(department_id, include_deleted=True):
            history = await self._store.assistants.history(state.id)
            row = used.get(state.id)
            editor = history[-1].created_by if history else state.created_by
            lines.append(AssistantLine(state, spec, row.tokens if row else 0, row.requests if row else 0, editor))
        return lines

    async def _own_assistant(self, scope: Scope, department_id: str, assistant_id: str) -> AssistantState:
        self.department(scope, department_id)
        state = await self._store.assistants.state(assistant_id)
        if state is None or state.department_id != department_id:
            raise NotAllowed(assistant_id)
        return state

    async def assistant_history(
        self, scope: Scope, department_id: str, assistant_id: str
    ) -> tuple[AssistantState, AssistantSpec, list[VersionInfo]]:
        state = await self._own_assistant(scope, department_id, assistant_id)
        spec = await self._store.assistants.spec(assistant_id, state.latest_version)
        assert spec is not None, "the latest version exists"
        return state, spec, await self._store.assistants.history(assistant_id)

    async def assistant_diff(
        self, scope: Scope, department_id: str, assistant_id: str, old: int, new: int
    ) -> list[DiffLine] | None:
        """Lines changed from version `old` to `new`; None when either version does not exist."""
        await self._own_assistant(scope, department_id, assistant_id)
        before = await self._store.assistants.spec(assistant_id, old)
        after = await self._store.assistants.spec(assistant_id, new)
        if before is None or after is None:
            return None
        return spec_diff(before, after)

    async def set_assistant_disabled(self, scope: Scope, department_id: str, assistant_id: str, disabled: bool) -> bool:
        """Disable (chat refuses it with a message) or enable again; False when it already was."""
        await self._own_assistant(scope, department_id, assistant_id)
        change = AdminChange(
            "assistant_off" if disabled else "assistant_on",
            scope.user_id,
            department_id,
            {"assistant": assistant_id},
            SURFACE,
        )
        return await self._store.assistants.set_disabled(
            assistant_id, scope.user_id if disabled else None, record=recorder(self._store.audit, change)
        )

    # ---- official (YAML) assistants: office admins only -------------------------------------

    async def official_assistants(self, scope: Scope) -> list[tuple[AssistantSpec, str | None]]:
        """Every official assistant with who switched it off (None while it is on); only for office admins, whose
        switch holds for every department."""
        if not scope.office or self._registry is None:
            return []
        off = await self._store.assistants.official_off()
        return [(spec, off.get(spec.id)) for spec in await self._registry.official()]

    async def set_official_disabled(self, scope: Scope, assistant_id: str, disabled: bool) -> AssistantSpec:
        """Switch an official assistant off (chat refuses it with the department assistants' message) or on again,
        with its audit record in the same transaction. Office admins only."""
        if not scope.office or self._registry is None:
            raise NotAllowed(assistant_id)
        spec = next((s for s in await self._registry.official() if s.id == assistant_id), None)
        if spec is None:
            raise NotAllowed(assistant_id)
        change = AdminChange(
            "assistant_off" if disabled else "assistant_on",
            scope.user_id,
            "",  # an official assistant belongs to the whole office, not to one department
            {"assistant": assistant_id, "official": True},
            SURFACE,
        )
        await self._store.assistants.set_official_disabled(
            assistant_id, scope.user_id if disabled else None, record=recorder(self._store.audit, change)
        )
        return spec

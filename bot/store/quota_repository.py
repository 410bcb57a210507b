"""Quota counters changed only by atomic conditional UPDATEs inside one transaction.

Reserving checks and increments in the same statement (`… WHERE used + reserved + n <= limit`), so
two processes can never both pass a check that only one of them fits; missing counter rows are
created with INSERT … ON CONFLICT DO NOTHING first, so concurrent first requests cannot bypass a
budget either. Counters are locked in one fixed order (scope, subject, period, byte-wise) by every
statement that changes several of them, so concurrent reservations and settlements on PostgreSQL never
wait for each other in a cycle; SQLite locks the whole database per write transaction instead.

Each reservation also has a row in `quota_reservations` (owner process, expiry), written in the same
transaction as the counters. Settling, releasing and sweeping an expired reservation all start by
deleting that row, and only the one whose delete removed it gives the reserved tokens back, so a
reservation is returned exactly once whichever comes first, in any number of processes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import TextClause, and_, bindparam, delete, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker

from bot.audit.admin import Recorder
from bot.quota.limits import CounterKey, Limit
from bot.store.models import QuotaAlert, QuotaCounter, QuotaOverride, QuotaReservation


@dataclass(frozen=True, slots=True)
class CounterState:
    used_tokens: int
    reserved_tokens: int
    requests: int


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds a reservation and until when, with the metadata an `interrupted` audit record needs."""

    call_id: str
    owner: str
    expires_at: datetime
    department_id: str
    user_id: str
    platform: str
    purpose: str
    assistant_id: str | None
    model_alias: str
    findings: dict[str, int]


@dataclass(frozen=True, slots=True)
class Swept:
    """An expired reservation the sweeper gave back."""

    holder: Holder
    tokens: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Settlement:
    """One answered call's reservation and the tokens it actually used."""

    call_id: str
    counters: Sequence[CounterKey]
    reserved: int
    actual: int


class _Exceeded(Exception):
    def __init__(self, limit: Limit):
        self.limit = limit


def _insert(dialect: str):
    return pg_insert if dialect == "postgresql" else sqlite_insert


def _where(key: CounterKey):
    return and_(QuotaCounter.scope == key.scope, QuotaCounter.subject == key.subject, QuotaCounter.period == key.period)


# Built once, with bound parameters (see QuotaRepository._reserve_statement).
_TAKE_RESERVATION = (
    delete(QuotaReservation).where(QuotaReservation.call_id == bindparam("call_id")).returning(QuotaReservation.tokens)
)
_OVERRIDES = select(QuotaOverride.limit_name, QuotaOverride.value, QuotaOverride.grant_period).where(
    QuotaOverride.department_id == bindparam("department")
)
# The statements on a list of counters are plain SQL built once per number of counters (QuotaRepository._keyed):
# SQLAlchemy's expanding `IN` re-rendered the statement on every call, about 5% of a call's CPU.
_LOCK_SQL = (
    "SELECT scope FROM quota_counters WHERE {keys} "
    'ORDER BY scope COLLATE "C", subject COLLATE "C", period COLLATE "C" FOR UPDATE'
)
_SETTLE_SQL = (
    "UPDATE quota_counters SET reserved_tokens = reserved_tokens - CAST(:reserved AS BIGINT), "
    "used_tokens = used_tokens + CAST(:actual AS BIGINT) WHERE {keys} RETURNING scope, subject, period, used_tokens"
)
# A call whose reservation was swept (its owner stopped renewing it) and that still finished: charge
# what it used and count its request again, since the sweep gave both back.
_SETTLE_LATE_SQL = (
    "UPDATE quota_counters SET used_tokens = used_tokens + CAST(:actual AS BIGINT), requests = requests + 1 "
    "WHERE {keys} RETURNING scope, subject, period, used_tokens"
)
# PostgreSQL: taking the reservation row and settling (on time or late) in one statement, one round trip.
_TAKE_AND_SETTLE_SQL = (
    "WITH taken AS (DELETE FROM quota_reservations WHERE call_id = :call_id RETURNING tokens) "
    "UPDATE quota_counters SET "
    "reserved_tokens = reserved_tokens - CASE WHEN EXISTS (SELECT 1 FROM taken) THEN CAST(:reserved AS BIGINT) "
    "ELSE 0 END, used_tokens = used_tokens + CAST(:actual AS BIGINT), "
    "requests = requests + CASE WHEN EXISTS (SELECT 1 FROM taken) THEN 0 ELSE 1 END "
    "WHERE {keys} RETURNING scope, subject, period, used_tokens"
)
_RELEASE_SQL = (
    "UPDATE quota_counters SET reserved_tokens = reserved_tokens - CAST(:reserved AS BIGINT), "
    "requests = requests - 1 WHERE {keys}"
)
# PostgreSQL's SQLSTATE for a NULL in a NOT NULL column: how the one-statement reservation says "no room".
_NOT_NULL_VIOLATION = "23502"
# A group commit's batch: take every reservation row at once (PostgreSQL: one array parameter) ...
_TAKE_MANY_PG = text(
    "DELETE FROM quota_reservations WHERE call_id = ANY(CAST(:call_ids AS VARCHAR[])) RETURNING call_id"
)
_TAKE_MANY_SQLITE = "DELETE FROM quota_reservations WHERE call_id IN ({ids}) RETURNING call_id"
# ... then change each counter once by the sum of the batch's changes (given back, used, requests counted again
# for calls whose reservation had been swept), returning its tokens used.
_APPLY_PG = text(
    "UPDATE quota_counters AS q SET reserved_tokens = q.reserved_tokens - d.back, "
    "used_tokens = q.used_tokens + d.spent, requests = q.requests + d.late "
    "FROM unnest(CAST(:scopes AS VARCHAR[]), CAST(:subjects AS VARCHAR[]), CAST(:periods AS VARCHAR[]), "
    "CAST(:back AS BIGINT[]), CAST(:spent AS BIGINT[]), CAST(:late AS BIGINT[])) AS d(ds, du, dp, back, spent, late) "
    "WHERE q.scope = d.ds AND q.subject = d.du AND q.period = d.dp "
    "RETURNING q.scope, q.subject, q.period, q.used_tokens"
)
_APPLY_SQLITE = (
    "UPDATE quota_counters SET reserved_tokens = reserved_tokens - d.back, used_tokens = used_tokens + d.spent, "
    "requests = requests + d.late FROM ({rows}) AS d "
    "WHERE quota_counters.scope = d.ds AND quota_counters.subject = d.du AND quota_counters.period = d.dp "
    "RETURNING scope, subject, period, used_tokens"
)
# Key lists longer than this are built per call instead of kept (a group commit may lock many counters).
_KEPT_KEY_COUNTS = 32


# How long this process reuses a department's overrides and grants before reading them again. A change made
# through this process applies to its next call; one made by another process applies here within this many
# seconds (the counters themselves are never cached: usage stays exact across processes).
OVERRIDE_CACHE_SECONDS = 5.0
_OverrideRows = tuple[tuple[str, int | None, str | None], ...]

# A counter without a limit of a kind is checked against this (above any settable limit, within 64 bits).
_NO_LIMIT = 2**62
_HOLDER_NAMES = (
    "call_id",
    "owner",
    "counters",
    "tokens",
    "created_at",
    "expires_at",
    "department_id",
    "user_id",
    "platform",
    "purpose",
    "assistant_id",
    "model_alias",
    "findings",
)
_HOLDER_COLUMNS = ", ".join(_HOLDER_NAMES)
_HOLDER_VALUES = ", ".join(":rtokens" if name == "tokens" else f":{name}" for name in _HOLDER_NAMES)
# PostgreSQL types the parameters of INSERT … SELECT from the select list, not from the target columns.
_HOLDER_TYPED = _HOLDER_VALUES.replace(":rtokens", "CAST(:rtokens AS BIGINT)")
for _name in ("created_at", "expires_at"):
    _HOLDER_TYPED = _HOLDER_TYPED.replace(f":{_name}", f"CAST(:{_name} AS TIMESTAMPTZ)")
_INSERT_HOLDER = text(f"INSERT INTO quota_reservations ({_HOLDER_COLUMNS}) VALUES ({_HOLDER_VALUES})")


def _key_rows(keys: Iterable[CounterKey]) -> list[tuple[str, str, str]]:
    return [(k.scope, k.subject, k.period) for k in keys]


def _used_by_counter(rows: Iterable[Any]) -> dict[CounterKey, int]:
    """(scope, subject, period, used_tokens) rows returned by a settlement, by counter."""
    return {CounterKey(str(row[0]), str(row[1]), str(row[2])): int(row[3]) for row in rows}


def _key_params(keys: Sequence[CounterKey]) -> dict[str, object]:
    """The parameters of a key list built by `_key_condition` for these keys."""
    params: dict[str, object] = {}
    for index, key in enumerate(keys):
        params[f"ks{index}"], params[f"ku{index}"], params[f"kp{index}"] = key.scope, key.subject, key.period
    return params


def _key_condition(dialect: str, count: int) -> str:
    """`(scope, subject, period)` in a list of `count` bound keys (SQLite takes row values only from VALUES)."""
    rows = ", ".join(f"(:ks{i}, :ku{i}, :kp{i})" for i in range(count))
    return f"(scope, subject, period) IN ({'VALUES ' if dialect == 'sqlite' else ''}{rows})"


def _in_lock_order(keys: Iterable[CounterKey]) -> list[CounterKey]:
    """Python's string order is code-point order, the same as PostgreSQL's COLLATE "C" on UTF-8."""
    return sorted(set(keys))


class QuotaRepository:
    """Hot path: Core statements on a plain connection (no ORM unit of work), one per counter."""

    def __init__(
        self,
        sessions: async_sessionmaker,
        engine: AsyncEngine,
        *,
        override_cache_seconds: float = OVERRIDE_CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        reservation_engine: AsyncEngine | None = None,
    ):
        """`reservation_engine` (PostgreSQL): an engine whose commits do not wait for the WAL flush, for the
        reservation statement alone. Every call of a department reserves on the same counter rows, and each
        reservation holds their row locks until its commit; waiting there for the flush made the flush time the
        bound on a department's calls per second. Losing a reservation needs a PostgreSQL crash (not a govbot
        one) within the last fraction of a second, and costs no usage: its call then settles as a late one (its
        tokens and request charged when it ends, like a swept reservation). Settlement, usage and audit stay
        synchronous (the group commit, on `engine`)."""
        self._sessions = sessions
        self._engine = engine
        self._dialect = engine.dialect.name
        self._reserve_statements: dict[int, TextClause] = {}
        self._keyed_statements: dict[tuple[str, int], TextClause] = {}
        # PostgreSQL: the reservation is one statement, atomic by itself, sent without BEGIN/COMMIT round trips.
        self._single_statement = (reservation_engine or engine).execution_options(isolation_level="AUTOCOMMIT")
        self._override_cache_seconds = override_cache_seconds
        self._clock = clock
        self._override_rows: dict[str, tuple[float, _OverrideRows]] = {}  # department -> (monotonic deadline, rows)
        self._override_generation = 0  # bumped by every change, so a read racing one cannot re-cache old rows

    async def lock_counters(self, connection: AsyncConnection, keys: Iterable[CounterKey]) -> None:
        """Before a statement that updates several counters at once: take their row locks in the same
        order the reservation does (a multi-row UPDATE would lock them in whatever order it scans)."""
        if self._dialect != "postgresql":
            return
        ordered = _in_lock_order(keys)
        await connection.execute(self._keyed(_LOCK_SQL, len(ordered)), _key_params(ordered))

    def _keyed(self, sql: str, count: int) -> TextClause:
        """`sql` with its `{keys}` replaced by a list of `count` counter keys; kept for short lists."""
        statement = self._keyed_statements.get((sql, count))
        if statement is None:
            statement = text(sql.format(keys=_key_condition(self._dialect, count)))
            if count <= _KEPT_KEY_COUNTS:
                self._keyed_statements[(sql, count)] = statement
        return statement

    def _reserve_statement(self, count: int) -> TextClause:
        """One statement that reserves on `count` counters at once: a multi-row upsert whose DO UPDATE only
        applies where the counter has room (its token and request limits arrive as parameters, matched by
        key), returning the rows it changed. On PostgreSQL the reservation's own row is inserted by the same
        statement, which runs without BEGIN/COMMIT round trips: when a counter has no room, the row's call id
        is NULL, the NOT NULL violation fails the whole statement and PostgreSQL undoes the counters it had
        raised (a refusal changes nothing). On SQLite the row follows in the same transaction. Built once
        per number of counters."""
        statement = self._reserve_statements.get(count)
        if statement is not None:
            return statement
        values = ", ".join(f"(:s{i}, :u{i}, :p{i}, 0, :tokens, 1)" for i in range(count))
        match = [
            f"excluded.scope = :s{i} AND excluded.subject = :u{i} AND excluded.period = :p{i}" for i in range(count)
        ]
        token_limit = " ".join(f"WHEN {m} THEN CAST(:t{i} AS BIGINT)" for i, m in enumerate(match))
        request_limit = " ".join(f"WHEN {m} THEN CAST(:r{i} AS BIGINT)" for i, m in enumerate(match))
        upsert = (
            "INSERT INTO quota_counters (scope, subject, period, used_tokens, reserved_tokens, requests) "
            f"VALUES {values} ON CONFLICT (scope, subject, period) DO UPDATE SET "
            "reserved_tokens = quota_counters.reserved_tokens + excluded.reserved_tokens, "
            "requests = quota_counters.requests + 1 "
            "WHERE quota_counters.used_tokens + quota_counters.reserved_tokens + excluded.reserved_tokens "
            f"<= CASE {token_limit} ELSE {_NO_LIMIT} END "
            f"AND quota_counters.requests + 1 <= CASE {request_limit} ELSE {_NO_LIMIT} END "
            "RETURNING scope"
        )
        if self._dialect == "postgresql":
            refusable = _HOLDER_TYPED.replace(
                ":call_id", f"CASE WHEN (SELECT count(*) FROM counted) = {count} THEN CAST(:call_id AS VARCHAR) END", 1
            )
            upsert = (
                f"WITH counted AS ({upsert}) INSERT INTO quota_reservations ({_HOLDER_COLUMNS}) "
                f"SELECT {refusable} RETURNING call_id"
            )
        statement = text(upsert)
        self._reserve_statements[count] = statement
        return statement

    async def reserve(
        self, counters: Sequence[CounterKey], limits: Sequence[Limit], tokens: int, holder: Holder
    ) -> Limit | None:
        """Reserve `tokens` and one request on every counter, held by `holder`, in one statement. Returns
        None on success, or the limit that would be exceeded (then nothing at all was changed)."""
        for limit in limits:  # a counter row made by this call starts at zero: the statement checks only older rows
            if (limit.kind == "tokens" and tokens > limit.value) or (limit.kind == "requests" and limit.value < 1):
                return limit
        by_counter: dict[CounterKey, dict[str, int]] = {}
        for limit in limits:
            by_counter.setdefault(limit.counter, {})[limit.kind] = min(
                limit.value, by_counter.get(limit.counter, {}).get(limit.kind, _NO_LIMIT)
            )
        keys = _in_lock_order([*counters, *by_counter])
        params: dict[str, object] = {"tokens": tokens}
        for index, key in enumerate(keys):
            own = by_counter.get(key, {})
            params[f"s{index}"], params[f"u{index}"], params[f"p{index}"] = key.scope, key.subject, key.period
            params[f"t{index}"] = own.get("tokens", _NO_LIMIT)
            params[f"r{index}"] = own.get("requests", _NO_LIMIT)
        holder_row = {
            "call_id": holder.call_id,
            "owner": holder.owner,
            "counters": json.dumps(_key_rows(_in_lock_order(counters))),
            "rtokens": tokens,
            "created_at": datetime.now(UTC),
            "expires_at": holder.expires_at,
            "department_id": holder.department_id,
            "user_id": holder.user_id,
            "platform": holder.platform,
            "purpose": holder.purpose,
            "assistant_id": holder.assistant_id,
            "model_alias": holder.model_alias,
            "findings": json.dumps(holder.findings, sort_keys=True),
        }
        statement = self._reserve_statement(len(keys))
        if self._dialect == "postgresql":
            try:
                async with self._single_statement.connect() as connection:
                    await connection.execute(statement, {**params, **holder_row})
                return None
            except IntegrityError as error:
                if getattr(error.orig, "sqlstate", None) != _NOT_NULL_VIOLATION:
                    raise
        else:
            async with self._engine.connect() as connection:
                transaction = await connection.begin()
                try:
                    reserved = len((await connection.execute(statement, params)).all()) == len(keys)
                    if reserved:
                        await connection.execute(_INSERT_HOLDER, holder_row)
                except BaseException:
                    await transaction.rollback()
                    raise
                if reserved:
                    await transaction.commit()
                    return None
                await transaction.rollback()
        for key in keys:  # refused: name the first limit without room (read after the rollback)
            applying = [limit for limit in limits if limit.counter == key]
            if applying:
                state = await self.state(key)
                if _exceeds(applying, state, tokens):
                    return _first_exceeded(applying, state, tokens)
        return limits[0]

    async def settle(
        self,
        call_id: str,
        counters: Iterable[CounterKey],
        reserved: int,
        actual: int,
        connection: AsyncConnection | None = None,
        *,
        locked: bool = False,
    ) -> dict[CounterKey, int]:
        """Replace the reservation by the tokens actually used; returns each counter's tokens used now.

        With `connection`, it joins the caller's transaction (the gateway settles, records usage and
        appends the audit record in one transaction); `locked`: the caller already holds these counters'
        row locks (the group commit takes its batch's in one statement)."""
        if connection is None:
            async with self._engine.begin() as own:
                return await self.settle(call_id, counters, reserved, actual, own, locked=locked)
        counters = _in_lock_order(counters)
        keys = _key_params(counters)
        if self._dialect == "postgresql":
            if not locked:
                await self.lock_counters(connection, counters)
            statement = self._keyed(_TAKE_AND_SETTLE_SQL, len(counters))
            result = await connection.execute(
                statement, {**keys, "call_id": call_id, "reserved": reserved, "actual": actual}
            )
        elif (await connection.execute(_TAKE_RESERVATION, {"call_id": call_id})).first() is not None:
            statement = self._keyed(_SETTLE_SQL, len(counters))
            result = await connection.execute(statement, {**keys, "reserved": reserved, "actual": actual})
        else:
            result = await connection.execute(self._keyed(_SETTLE_LATE_SQL, len(counters)), {**keys, "actual": actual})
        return _used_by_counter(result)

    async def settle_many(
        self, connection: AsyncConnection, settlements: Sequence[Settlement]
    ) -> dict[CounterKey, int]:
        """`settle` for many calls in the caller's transaction, which must already hold their counters' row locks
        (the group commit takes them for its batch): one statement takes all their reservation rows, one changes
        each counter once by the sum of the calls' changes. Returns each counter's tokens used now."""
        if not settlements:
            return {}
        call_ids = [s.call_id for s in settlements]
        if self._dialect == "postgresql":
            taken = await connection.execute(_TAKE_MANY_PG, {"call_ids": call_ids})
        else:
            ids = ", ".join(f":c{i}" for i in range(len(call_ids)))
            statement = self._kept(_TAKE_MANY_SQLITE.format(ids=ids), len(call_ids))
            taken = await connection.execute(statement, {f"c{i}": call_id for i, call_id in enumerate(call_ids)})
        held = {call_id for (call_id,) in taken}
        changes: dict[CounterKey, list[int]] = {}  # counter -> [tokens given back, tokens used, requests again]
        for settlement in settlements:
            on_time = settlement.call_id in held
            for key in set(settlement.counters):
                change = changes.setdefault(key, [0, 0, 0])
                change[1] += settlement.actual
                if on_time:
                    change[0] += settlement.reserved
                else:  # swept meanwhile: the sweep gave back its tokens and its request
                    change[2] += 1
        keys = _in_lock_order(changes)
        if self._dialect == "postgresql":
            result = await connection.execute(
                _APPLY_PG,
                {
                    "scopes": [k.scope for k in keys],
                    "subjects": [k.subject for k in keys],
                    "periods": [k.period for k in keys],
                    "back": [changes[k][0] for k in keys],
                    "spent": [changes[k][1] for k in keys],
                    "late": [changes[k][2] for k in keys],
                },
            )
        else:
            rows = " UNION ALL ".join(
                f"SELECT :s{i} AS ds, :u{i} AS du, :p{i} AS dp, :b{i} AS back, :a{i} AS spent, :l{i} AS late"
                for i in range(len(keys))
            )
            params: dict[str, object] = {}
            for i, key in enumerate(keys):
                back, spent, late = changes[key]
                params.update(
                    {f"s{i}": key.scope, f"u{i}": key.subject, f"p{i}": key.period, f"b{i}": back, f"a{i}": spent}
                )
                params[f"l{i}"] = late
            result = await connection.execute(self._kept(_APPLY_SQLITE.format(rows=rows), len(keys)), params)
        return _used_by_counter(result)

    def _kept(self, sql: str, count: int) -> TextClause:
        """The statement of this SQL text, kept when its list is short (the texts repeat for each list length)."""
        statement = self._keyed_statements.get((sql, count))
        if statement is None:
            statement = text(sql)
            if count <= _KEPT_KEY_COUNTS:
                self._keyed_statements[(sql, count)] = statement
        return statement

    async def release(self, call_id: str, counters: Iterable[CounterKey], reserved: int) -> bool:
        """Undo a reservation: a failed or refused call costs nothing, not even a request. False when
        it was already given back (swept)."""
        counters = _in_lock_order(counters)
        async with self._engine.begin() as connection:
            if (await connection.execute(_TAKE_RESERVATION, {"call_id": call_id})).first() is None:
                return False
            await self.lock_counters(connection, counters)
            await self._give_back(connection, counters, reserved)
        return True

    async def _give_back(self, connection: AsyncConnection, counters: Sequence[CounterKey], reserved: int) -> None:
        statement = self._keyed(_RELEASE_SQL, len(counters))
        await connection.execute(statement, {**_key_params(counters), "reserved": reserved})

    # ---- reservations of processes that stopped -------------------------------------------

    async def renew(self, owner: str, call_ids: Sequence[str], expires_at: datetime, created_after: datetime) -> int:
        """The living owner moves the expiry of the calls it still has in flight forward (not those older
        than `created_after`: a call that never ends must not hold its share forever)."""
        async with self._engine.begin() as connection:
            result = await connection.execute(
                update(QuotaReservation)
                .where(
                    QuotaReservation.owner == owner,
                    QuotaReservation.call_id.in_(call_ids),
                    QuotaReservation.created_at > created_after,
                )
                .values(expires_at=expires_at)
            )
            return int(result.rowcount or 0)

    async def sweep(
        self,
        now: datetime,
        on_swept: Callable[[Swept, AsyncConnection], Awaitable[object]],
        batch: int = 200,
    ) -> list[Swept]:
        """Give back reservations that expired before `now`, one transaction each, calling `on_swept`
        inside it (the interrupted call's audit record). Safe in any number of processes at once: the
        DELETE decides which of them gives a reservation back."""
        async with self._engine.connect() as connection:
            expired = (
                await connection.execute(
                    select(QuotaReservation.call_id)
                    .where(QuotaReservation.expires_at < now)
                    .order_by(QuotaReservation.expires_at)
                    .limit(batch)
                )
            ).scalars()
            call_ids = list(expired)
        swept: list[Swept] = []
        for call_id in call_ids:
            async with self._engine.begin() as connection:
                row = (
                    await connection.execute(
                        delete(QuotaReservation)
                        .where(QuotaReservation.call_id == call_id, QuotaReservation.expires_at < now)
                        .returning(*QuotaReservation.__table__.columns)
                    )
                ).first()
                if row is None:  # settled, released or swept by someone else meanwhile
                    continue
                counters = _in_lock_order(CounterKey(*key) for key in json.loads(row.counters))
                await self.lock_counters(connection, counters)
                await self._give_back(connection, counters, int(row.tokens))
                item = Swept(
                    Holder(
                        row.call_id,
                        row.owner,
                        _aware(row.expires_at),
                        row.department_id,
                        row.user_id,
                        row.platform,
                        row.purpose,
                        row.assistant_id,
                        row.model_alias,
                        json.loads(row.findings),
                    ),
                    int(row.tokens),
                    _aware(row.created_at),
                )
                await on_swept(item, connection)
                swept.append(item)
        return swept

    async def state(self, key: CounterKey) -> CounterState:
        async with self._engine.connect() as connection:
            row = (
                await connection.execute(
                    select(QuotaCounter.used_tokens, QuotaCounter.reserved_tokens, QuotaCounter.requests).where(
                        _where(key)
                    )
                )
            ).one_or_none()
        return CounterState(0, 0, 0) if row is None else CounterState(*row)

    # ---- admin overrides ------------------------------------------------------------------

    async def overrides(
        self, department_id: str, current_periods: dict[str, str], *, fresh: bool = False
    ) -> tuple[dict[str, int | None], dict[str, int]]:
        """(overrides, grants) in force: grants count only in the period they were given for. Read at most every
        OVERRIDE_CACHE_SECONDS per department unless `fresh` (read-modify-write callers must pass it)."""
        cached = None if fresh else self._override_rows.get(department_id)
        now = self._clock()
        if cached is not None and cached[0] > now:
            rows = cached[1]
        else:
            generation = self._override_generation
            async with self._engine.connect() as connection:  # a plain prepared select, no ORM session
                rows = tuple(
                    (name, value, period)
                    for name, value, period in await connection.execute(_OVERRIDES, {"department": department_id})
                )
            if generation == self._override_generation:
                self._override_rows[department_id] = (now + self._override_cache_seconds, rows)
        overrides: dict[str, int | None] = {}
        grants: dict[str, int] = {}
        for limit_name, value, grant_period in rows:
            if limit_name.startswith("grant:"):
                name = limit_name.removeprefix("grant:")
                if grant_period == current_periods.get(name) and value:
                    grants[name] = value
            else:
                overrides[limit_name] = value
        return overrides, grants

    def _overrides_changed(self) -> None:
        self._override_generation += 1
        self._override_rows.clear()

    async def set_override(
        self,
        department_id: str,
        name: str,
        value: int | None,
        by: str,
        grant_period: str | None = None,
        *,
        record: Recorder | None = None,
    ) -> None:
        """`record` is called in the same transaction with the override before ({"value": …}, None when there was
        none) and after, so the change and its audit record commit together."""
        now = datetime.now(UTC)
        async with self._sessions.begin() as session:
            previous = (
                await session.execute(
                    select(QuotaOverride.value).where(
                        QuotaOverride.department_id == department_id, QuotaOverride.limit_name == name
                    )
                )
            ).one_or_none()
            await session.execute(
                delete(QuotaOverride).where(
                    QuotaOverride.department_id == department_id, QuotaOverride.limit_name == name
                )
            )
            session.add(
                QuotaOverride(
                    department_id=department_id,
                    limit_name=name,
                    value=value,
                    grant_period=grant_period,
                    updated_by=by,
                    updated_at=now,
                )
            )
            if record is not None:
                await session.flush()
                before = None if previous is None else {"value": previous.value}
                await record(await session.connection(), before, {"value": value})
        self._overrides_changed()

    async def add_grant(
        self, department_id: str, name: str, amount: int, period: str, by: str, *, record: Recorder | None = None
    ) -> int:
        """Add `amount` to this period's grant for `name`; returns the period's total grant."""
        _, grants = await self.overrides(department_id, {name: period}, fresh=True)
        total = grants.get(name, 0) + amount

        async def as_grant(connection: AsyncConnection, _before: object, _after: object) -> None:
            if record is not None:
                await record(connection, {"grant": grants.get(name, 0), "period": period}, {"grant": total})

        await self.set_override(department_id, f"grant:{name}", total, by, grant_period=period, record=as_grant)
        return total

    async def clear_overrides(self, department_id: str, *, record: Recorder | None = None) -> int:
        """Remove every override of the department; `record` gets them (name → value) before, {} after."""
        async with self._sessions.begin() as session:
            previous = {
                name: value
                for name, value in await session.execute(
                    select(QuotaOverride.limit_name, QuotaOverride.value).where(
                        QuotaOverride.department_id == department_id
                    )
                )
            }
            result = await session.execute(delete(QuotaOverride).where(QuotaOverride.department_id == department_id))
            if record is not None:
                await record(await session.connection(), previous, {})
            removed = int(result.rowcount or 0)
        self._overrides_changed()
        return removed

    # ---- the 80% warning ------------------------------------------------------------------

    async def claim_alert(
        self, department_id: str, limit_name: str, period: str, connection: AsyncConnection | None = None
    ) -> bool:
        """True only the first time this department's limit crosses the warning line in this period."""
        if connection is None:
            async with self._engine.begin() as own:
                return await self.claim_alert(department_id, limit_name, period, own)
        statement = _insert(self._dialect)(QuotaAlert).values(
            department_id=department_id,
            limit_name=limit_name,
            period=period,
            created_at=datetime.now(UTC),
            delivered=False,
        )
        result = await connection.execute(statement.on_conflict_do_nothing())
        return (result.rowcount or 0) == 1

    async def take_undelivered_alerts(self, department_id: str) -> list[tuple[str, str]]:
        """(limit name, period) alerts not yet shown to an admin, marked delivered as they are taken."""
        async with self._sessions.begin() as session:
            rows = (
                await session.scalars(
                    select(QuotaAlert).where(QuotaAlert.department_id == department_id, QuotaAlert.delivered.is_(False))
                )
            ).all()
            for row in rows:
                row.delivered = True
            return [(r.limit_name, r.period) for r in rows]


def _aware(value: datetime) -> datetime:
    """SQLite hands timestamps back without a zone; they were written in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _exceeds(limits: Sequence[Limit], row: CounterState, tokens: int) -> bool:
    return any(
        (limit.kind == "tokens" and row.used_tokens + row.reserved_tokens + tokens > limit.value)
        or (limit.kind == "requests" and row.requests + 1 > limit.value)
        for limit in limits
    )


def _first_exceeded(limits: Sequence[Limit], row: CounterState, tokens: int) -> Limit:
    for limit in limits:
        if limit.kind == "tokens" and row.used_tokens + row.reserved_tokens + tokens > limit.value:
            return limit
        if limit.kind == "requests" and row.requests + 1 > limit.value:
            return limit
    return limits[0]

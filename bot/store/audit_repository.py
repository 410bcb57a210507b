"""Append-only audit log. Each append locks the chain head row, so records form one sequence even
with several processes writing (on SQLite the transaction's write lock does the same). Records and the
head are HMAC-signed with the audit key (bot/audit/keys.py), which never goes in the database."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Collection, Sequence
from contextlib import AbstractAsyncContextManager as AsyncContextManager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker

from bot.audit.chain import GENESIS, HASHED_FIELDS, Head, Problem, Signer, head_mac, record_hash, verify_chain
from bot.audit.checkpoint import FORMAT, Checkpoint, check_against, make_checkpoint
from bot.audit.keys import AuditKey
from bot.store.group_commit import AnyWrite, GroupCommitter, LockRows
from bot.store.models import AuditBase, AuditHead, AuditRecord, AuditVerified

EXPORT_FIELDS = (*HASHED_FIELDS, "hash")
# What the admin console lists and exports: metadata only, never `content` (kept only with store_content).
LISTED_FIELDS = tuple(name for name in (*HASHED_FIELDS, "hash") if name != "content")


# Built once: statements with bound parameters skip SQLAlchemy's per-call construction and cache-key work.
_TAKE_HEAD = (
    update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1).returning(AuditHead.seq, AuditHead.hash)
)
_TAKE_HEADS = (
    update(AuditHead)
    .where(AuditHead.id == 1)
    .values(seq=AuditHead.seq + bindparam("count"))
    .returning(AuditHead.seq, AuditHead.hash)
)
_INSERT_RECORD = insert(AuditRecord)
_MOVE_HEAD = update(AuditHead).where(AuditHead.id == 1).values(hash=bindparam("digest"), mac=bindparam("head_mac"))
_READ_HEAD = select(AuditHead.seq, AuditHead.hash, AuditHead.mac).where(AuditHead.id == 1)
_READ_BASE = select(AuditBase).where(AuditBase.id == 1)
# Locks the head row for the rest of a purge's transaction (appends wait), changing nothing.
_HOLD_HEAD = update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq).returning(AuditHead.seq)


class AuditRepository:
    def __init__(self, sessions: async_sessionmaker, engine: AsyncEngine, key: AuditKey, lock: LockRows | None = None):
        self._sessions = sessions
        self._lock = lock
        self._group: GroupCommitter | None = None
        self._engine = engine
        self._key = key.secret
        self._signer = Signer(key.secret)
        self._key_id = key.key_id

    async def record(
        self, fields: dict[str, Any], writes: Sequence[AnyWrite] = (), lock_keys: Sequence[Any] = ()
    ) -> int:
        """Append one record after `writes` (a call's closing writes), in the next group transaction
        (see group_commit.py); returns once it is committed."""
        if self._group is None:
            self._group = GroupCommitter(self._engine.begin, self.append_many, self._lock)
        return await self._group.commit(fields, writes, lock_keys)

    async def close(self) -> None:
        if self._group is not None:
            await self._group.close()

    async def append_many(self, connection: AsyncConnection, records: Sequence[dict[str, Any]]) -> list[int]:
        """Append records in order with one move of the chain head: the head row is locked once per batch."""
        if not records:
            return []
        last, prev = (await connection.execute(_TAKE_HEADS, {"count": len(records)})).one()
        seq = int(last) - len(records)
        now = datetime.now(UTC)
        rows = []
        for fields in records:
            seq += 1
            record = _prepared(fields, now)
            record["seq"] = seq
            digest = record_hash(record, prev, self._signer)
            rows.append({**record, "prev_hash": prev, "hash": digest, "key_id": self._key_id})
            prev = digest
        await connection.execute(_INSERT_RECORD, rows)
        await connection.execute(_MOVE_HEAD, {"digest": prev, "head_mac": head_mac(self._signer, seq, prev)})
        return [row["seq"] for row in rows]

    def begin(self) -> AsyncContextManager[AsyncConnection]:
        """A transaction on the audit store, for writes that must commit together with a record."""
        return self._engine.begin()

    async def append(self, fields: dict[str, Any], connection: AsyncConnection | None = None) -> int:
        """Write one record (fields without seq/hash); returns its sequence number.

        With `connection`, the record joins the caller's transaction. It should be the transaction's
        last write: taking the chain head locks it (every call's record waits for it), so the head is
        held only for the insert and the commit.
        """
        if connection is None:
            async with self._engine.begin() as own:
                return await self.append(fields, own)
        fields = _prepared(fields, datetime.now(UTC))
        seq, prev = (await connection.execute(_TAKE_HEAD)).one()
        record = {**fields, "seq": seq}
        digest = record_hash(record, prev, self._signer)
        await connection.execute(_INSERT_RECORD, {**record, "prev_hash": prev, "hash": digest, "key_id": self._key_id})
        await connection.execute(_MOVE_HEAD, {"digest": digest, "head_mac": head_mac(self._signer, seq, digest)})
        return int(seq)

    async def rows(
        self, since: datetime | None = None, up_to: int | None = None, after: int = 0
    ) -> AsyncIterator[dict[str, Any]]:
        query = select(AuditRecord).order_by(AuditRecord.seq)
        if since is not None:
            query = query.where(AuditRecord.created_at >= since)
        if up_to is not None:
            query = query.where(AuditRecord.seq <= up_to)
        if after:
            query = query.where(AuditRecord.seq > after)
        async with self._sessions() as session:
            result = await session.stream_scalars(query.execution_options(yield_per=1000))
            async for row in result:
                yield {c.name: getattr(row, c.name) for c in AuditRecord.__table__.columns}

    async def search(
        self,
        since: datetime,
        until: datetime,
        department_ids: Collection[str],
        *,
        user_id: str | None = None,
        decision: str | None = None,
        finding: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Records (newest first, metadata only) matching the console's filters. `finding` is a finding type such as
        `phone`: findings are stored as sorted JSON, so the type is matched as its quoted key."""
        columns = [getattr(AuditRecord, name) for name in LISTED_FIELDS]
        query = (
            select(*columns)
            .where(
                AuditRecord.created_at >= since,
                AuditRecord.created_at < until,
                AuditRecord.department_id.in_(list(department_ids)),
            )
            .order_by(AuditRecord.seq.desc())
        )
        if user_id:
            query = query.where(AuditRecord.user_id == user_id)
        if decision:
            query = query.where(AuditRecord.decision == decision)
        if finding:
            query = query.where(AuditRecord.findings.contains(f'"{finding}":', autoescape=True))
        if limit is not None:
            query = query.limit(limit)
        async with self._sessions() as session:
            rows = (await session.execute(query)).all()
        return [dict(zip(LISTED_FIELDS, row, strict=True)) for row in rows]

    async def findings_between(
        self, since: datetime, until: datetime, department_ids: Collection[str]
    ) -> list[tuple[str, str]]:
        """(department, findings JSON) of each record with any finding: what the policies caught, by type."""
        query = select(AuditRecord.department_id, AuditRecord.findings).where(
            AuditRecord.created_at >= since,
            AuditRecord.created_at < until,
            AuditRecord.department_id.in_(list(department_ids)),
            AuditRecord.findings != "{}",
        )
        async with self._sessions() as session:
            return [(str(d), str(f)) for d, f in (await session.execute(query)).all()]

    async def verify(self, checkpoint: Checkpoint | None = None) -> tuple[int, list[Problem]]:
        """(records checked, problems in seq order); with `checkpoint`, also truncation/rewriting since it."""
        head, checked, problems, hashes = await self._check()
        if checkpoint is not None:
            purged = (await self.base()).records
            against = check_against(checkpoint, self._key, self._key_id, hashes, purged)
            problems = sorted(against + problems, key=_by_seq)
        return checked, problems

    async def checkpoint(self, now: datetime | None = None) -> tuple[Checkpoint | None, int, list[Problem]]:
        """A signed checkpoint of the current head, only when the chain verifies (never sign a tampered one)."""
        head, checked, problems, _ = await self._check()
        if problems:
            return None, checked, problems
        made = make_checkpoint(head.seq, head.hash, now or datetime.now(UTC), self._key, self._key_id)
        return made, checked, []

    async def _check(
        self, progress: Callable[[int, int], None] | None = None
    ) -> tuple[Head, int, list[Problem], dict[int, str]]:
        # The head first, then records up to it: calls appended meanwhile are not mistaken for a broken tail.
        head = await self._head()
        base = await self.base()
        base_problems = self._base_problems(base)
        start = (base.records, base.head_hash) if not base_problems else (0, GENESIS)
        records = []
        async for record in self.rows(up_to=head.seq, after=start[0]):
            records.append(record)
            if progress is not None and len(records) % 1000 == 0:
                progress(len(records), head.seq - start[0])
        checked, problems, hashes = await asyncio.to_thread(  # hashing a long chain stays off the event loop
            verify_chain, records, head, self._signer, self._key_id, start
        )
        if start[0]:
            hashes[start[0]] = start[1]
        return head, checked, sorted(base_problems + problems, key=_by_seq), hashes

    async def _head(self) -> Head:
        async with self._sessions() as session:
            row = (await session.execute(_READ_HEAD)).one()
        return Head(int(row.seq), row.hash, row.mac)

    # ---- the console: verify from where the last verification ended ------------------------

    async def verified(self) -> tuple[Checkpoint | None, datetime | None]:
        """(the signed mark of the last record that verified, when the last full verification ran)."""
        async with self._sessions() as session:
            row = await session.scalar(select(AuditVerified).where(AuditVerified.id == 1))
        if row is None:
            return None, None
        mark = Checkpoint(FORMAT, int(row.seq), row.hash, row.created_at, row.key_id, row.signature)
        return mark, row.full_at

    async def verify_full(
        self, now: datetime | None = None, progress: Callable[[int, int], None] | None = None
    ) -> tuple[int, list[Problem]]:
        """Every record from the chain's start; when it verifies, the mark moves to the head and the time is kept."""
        head, checked, problems, _ = await self._check(progress)
        if not problems:
            await self._mark(head, now or datetime.now(UTC), full=True)
        return checked, problems

    async def verify_new(self, now: datetime | None = None) -> tuple[int, list[Problem]]:
        """Only the records written since the last verification (a full one when there is none): the audit page's
        check, cheap however long the chain grows. The mark's record must still carry the hash it had (else the
        chain up to it was rewritten); an edit of a record before it is left to the full verification."""
        mark, _ = await self.verified()
        base = await self.base()
        if mark is None or mark.records < base.records or self._base_problems(base):
            return await self.verify_full(now)
        if not mark.signature_valid(self._key):
            checked, everything = await self.verify_full(now)
            return checked, sorted([*everything, _mark_forged(mark)], key=_by_seq)
        head = await self._head()
        problems: list[Problem] = []
        if mark.records > base.records:
            async with self._sessions() as session:
                digest = await session.scalar(select(AuditRecord.hash).where(AuditRecord.seq == mark.records))
            found = {mark.records: digest} if digest is not None else {}
            problems += check_against(mark, self._key, self._key_id, found, base.records)
        records = [record async for record in self.rows(up_to=head.seq, after=mark.records)]
        checked, found_problems, _ = verify_chain(
            records, head, self._signer, self._key_id, (mark.records, mark.head_hash)
        )
        problems += [p for p in found_problems if p.kind != "not_keyed"]  # the keyed start lies before the mark
        if not problems and head.seq > mark.records:
            await self._mark(head, now or datetime.now(UTC), full=False)
        return checked, sorted(problems, key=_by_seq)

    async def _mark(self, head: Head, now: datetime, *, full: bool) -> None:
        made = make_checkpoint(head.seq, head.hash, now, self._key, self._key_id)
        values: dict[str, Any] = {
            "seq": made.records,
            "hash": made.head_hash,
            "created_at": made.created_at,
            "key_id": made.key_id,
            "signature": made.signature,
        }
        if full:
            values["full_at"] = now
        try:
            async with self._engine.begin() as connection:
                changed = await connection.execute(update(AuditVerified).where(AuditVerified.id == 1).values(**values))
                if not changed.rowcount:
                    await connection.execute(insert(AuditVerified).values(id=1, **values))
        except IntegrityError:  # another page load wrote the first mark at the same moment: it says the same
            pass

    # ---- retention: the chain's base -------------------------------------------------------

    async def base(self) -> Checkpoint:
        """The signed checkpoint the chain starts from (records 0: nothing was purged)."""
        async with self._sessions() as session:
            row = await session.scalar(_READ_BASE)
        if row is None:
            return Checkpoint(FORMAT, 0, GENESIS, "", self._key_id)
        return Checkpoint(FORMAT, int(row.seq), row.hash, row.created_at, row.key_id, row.signature)

    def _base_problems(self, base: Checkpoint) -> list[Problem]:
        if base.records == 0 or base.signature_valid(self._key):
            return []
        return [
            Problem(
                base.records,
                "",
                "base_forged",
                f"보존 기간 정리로 시작점이 된 기록 {base.records}번(audit_base)의 서명이 맞지 않습니다: 정리 없이 "
                "앞쪽 기록을 지우고 시작점을 옮겼거나 다른 키로 바꾼 흔적입니다.",
                f"The chain's starting point after a retention purge (audit_base at record {base.records}) has a "
                "wrong signature: earlier records were deleted and the starting point moved without a purge, or it "
                "was signed with another key.",
            )
        ]

    async def prune(
        self, before: datetime, connection: AsyncConnection, now: datetime | None = None
    ) -> tuple[int, Checkpoint]:
        """Inside a purge's transaction (the caller verified the chain first): remove the records written before
        `before` (a prefix of the chain) and move the signed base to the last one removed. Returns (records
        removed, the base). Holds the head's lock until the transaction ends, so appends and other purges wait."""
        await connection.execute(_HOLD_HEAD)
        row = (await connection.execute(_READ_BASE)).scalar_one_or_none()
        current = 0 if row is None else int(row.seq)
        last = await connection.scalar(
            select(func.max(AuditRecord.seq)).where(AuditRecord.created_at < before, AuditRecord.seq > current)
        )
        if last is None:
            return 0, await self._base_on(connection)
        digest = await connection.scalar(select(AuditRecord.hash).where(AuditRecord.seq == last))
        made = make_checkpoint(int(last), str(digest), now or datetime.now(UTC), self._key, self._key_id)
        values = {
            "seq": made.records,
            "hash": made.head_hash,
            "created_at": made.created_at,
            "key_id": made.key_id,
            "signature": made.signature,
        }
        if row is None:
            await connection.execute(insert(AuditBase).values(id=1, **values))
        else:
            await connection.execute(update(AuditBase).where(AuditBase.id == 1).values(**values))
        removed = await connection.execute(delete(AuditRecord).where(AuditRecord.seq <= last))
        return int(removed.rowcount or 0), made

    async def count_before(self, before: datetime) -> int:
        async with self._sessions() as session:
            query = select(func.count()).select_from(AuditRecord).where(AuditRecord.created_at < before)
            return int(await session.scalar(query) or 0)

    async def _base_on(self, connection: AsyncConnection) -> Checkpoint:
        row = (await connection.execute(_READ_BASE)).one_or_none()
        if row is None:
            return Checkpoint(FORMAT, 0, GENESIS, "", self._key_id)
        return Checkpoint(FORMAT, int(row.seq), row.hash, row.created_at, row.key_id, row.signature)


def _prepared(fields: dict[str, Any], now: datetime) -> dict[str, Any]:
    prepared = {**fields, "findings": json.dumps(fields.get("findings") or {}, sort_keys=True, ensure_ascii=False)}
    prepared["latency_ms"] = round(float(prepared["latency_ms"]), 3)
    prepared.setdefault("created_at", now)
    return prepared


def _mark_forged(mark: Checkpoint) -> Problem:
    return Problem(
        mark.records,
        "",
        "mark_forged",
        f"마지막 검증 위치(audit_verified: 기록 {mark.records}번)의 서명이 맞지 않습니다: 데이터베이스에서 직접 "
        "바뀌었습니다. 체인 전체를 다시 검증했습니다.",
        f"The last verified position (audit_verified at record {mark.records}) has a wrong signature: it was changed "
        "in the database directly. The whole chain was verified again.",
    )


def _by_seq(problem: Problem) -> int:
    return problem.seq

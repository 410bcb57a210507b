"""Append-only audit log. Each append locks the chain head row, so records form one sequence even
with several processes writing (on SQLite the transaction's write lock does the same). Records and the
head are HMAC-signed with the audit key (bot/audit/keys.py), which never goes in the database."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager as AsyncContextManager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker

from bot.audit.chain import HASHED_FIELDS, Head, Problem, Signer, head_mac, record_hash, verify_chain
from bot.audit.checkpoint import Checkpoint, check_against, make_checkpoint
from bot.audit.keys import AuditKey
from bot.store.group_commit import GroupCommitter, LockRows, Write
from bot.store.models import AuditHead, AuditRecord

EXPORT_FIELDS = (*HASHED_FIELDS, "hash")


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


class AuditRepository:
    def __init__(self, sessions: async_sessionmaker, engine: AsyncEngine, key: AuditKey, lock: LockRows | None = None):
        self._sessions = sessions
        self._lock = lock
        self._group: GroupCommitter | None = None
        self._engine = engine
        self._key = key.secret
        self._signer = Signer(key.secret)
        self._key_id = key.key_id

    async def record(self, fields: dict[str, Any], writes: Sequence[Write] = (), lock_keys: Sequence[Any] = ()) -> int:
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

    async def rows(self, since: datetime | None = None, up_to: int | None = None) -> AsyncIterator[dict[str, Any]]:
        query = select(AuditRecord).order_by(AuditRecord.seq)
        if since is not None:
            query = query.where(AuditRecord.created_at >= since)
        if up_to is not None:
            query = query.where(AuditRecord.seq <= up_to)
        async with self._sessions() as session:
            result = await session.stream_scalars(query.execution_options(yield_per=1000))
            async for row in result:
                yield {c.name: getattr(row, c.name) for c in AuditRecord.__table__.columns}

    async def verify(self, checkpoint: Checkpoint | None = None) -> tuple[int, list[Problem]]:
        """(records checked, problems in seq order); with `checkpoint`, also truncation/rewriting since it."""
        head, checked, problems, hashes = await self._check()
        if checkpoint is not None:
            problems = sorted(check_against(checkpoint, self._key, self._key_id, hashes) + problems, key=_by_seq)
        return checked, problems

    async def checkpoint(self, now: datetime | None = None) -> tuple[Checkpoint | None, int, list[Problem]]:
        """A signed checkpoint of the current head, only when the chain verifies (never sign a tampered one)."""
        head, checked, problems, _ = await self._check()
        if problems:
            return None, checked, problems
        made = make_checkpoint(head.seq, head.hash, now or datetime.now(UTC), self._key, self._key_id)
        return made, checked, []

    async def _check(self) -> tuple[Head, int, list[Problem], dict[int, str]]:
        # The head first, then records up to it: calls appended meanwhile are not mistaken for a broken tail.
        async with self._sessions() as session:
            row = (await session.execute(_READ_HEAD)).one()
        head = Head(int(row.seq), row.hash, row.mac)
        records = [record async for record in self.rows(up_to=head.seq)]
        checked, problems, hashes = verify_chain(records, head, self._signer, self._key_id)
        return head, checked, problems, hashes


def _prepared(fields: dict[str, Any], now: datetime) -> dict[str, Any]:
    prepared = {**fields, "findings": json.dumps(fields.get("findings") or {}, sort_keys=True, ensure_ascii=False)}
    prepared["latency_ms"] = round(float(prepared["latency_ms"]), 3)
    prepared.setdefault("created_at", now)
    return prepared


def _by_seq(problem: Problem) -> int:
    return problem.seq

"""Append-only audit log. Each append locks the chain head row, so records form one sequence even
with several processes writing (on SQLite the transaction's write lock does the same)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager as AsyncContextManager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker

from bot.audit.chain import Problem, record_hash, verify_chain
from bot.store.models import AuditHead, AuditRecord

EXPORT_FIELDS = (
    "seq",
    "created_at",
    "call_id",
    "user_id",
    "department_id",
    "platform",
    "purpose",
    "assistant_id",
    "model_alias",
    "provider",
    "model",
    "prompt_tokens",
    "completion_tokens",
    "latency_ms",
    "findings",
    "decision",
    "error_code",
    "content",
    "hash",
)


# Built once: statements with bound parameters skip SQLAlchemy's per-call construction and cache-key work.
_TAKE_HEAD = (
    update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1).returning(AuditHead.seq, AuditHead.hash)
)
_INSERT_RECORD = insert(AuditRecord)
_MOVE_HEAD = update(AuditHead).where(AuditHead.id == 1).values(hash=bindparam("digest"))


class AuditRepository:
    def __init__(self, sessions: async_sessionmaker, engine: AsyncEngine):
        self._sessions = sessions
        self._engine = engine

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
        fields = {**fields, "findings": json.dumps(fields.get("findings") or {}, sort_keys=True, ensure_ascii=False)}
        fields["latency_ms"] = round(float(fields["latency_ms"]), 3)
        fields.setdefault("created_at", datetime.now(UTC))
        seq, prev = (await connection.execute(_TAKE_HEAD)).one()
        record = {**fields, "seq": seq}
        digest = record_hash(record, prev)
        await connection.execute(_INSERT_RECORD, {**record, "prev_hash": prev, "hash": digest})
        await connection.execute(_MOVE_HEAD, {"digest": digest})
        return int(seq)

    async def rows(self, since: datetime | None = None) -> AsyncIterator[dict[str, Any]]:
        query = select(AuditRecord).order_by(AuditRecord.seq)
        if since is not None:
            query = query.where(AuditRecord.created_at >= since)
        async with self._sessions() as session:
            result = await session.stream_scalars(query.execution_options(yield_per=1000))
            async for row in result:
                yield {c.name: getattr(row, c.name) for c in AuditRecord.__table__.columns}

    async def verify(self) -> tuple[int, list[Problem]]:
        async with self._sessions() as session:
            head = (await session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1))).one()
        records = [row async for row in self.rows()]
        return verify_chain(records, int(head.seq), head.hash)

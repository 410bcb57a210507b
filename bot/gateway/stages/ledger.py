"""The writes that end an answered call — quota settlement, the usage row, the audit record — in one
transaction, shared with other calls' (group commit, bot/store/group_commit.py).

Each commit is a lock round trip (on SQLite the whole database), and three of them per call were most
of the gateway's overhead. The outermost stage (audit) opens a ledger on the call; inner stages add
their closing writes to it instead of committing on their own, and the audit stage hands them with its
record to the audit store's group writer and waits for that commit. Either all of it lands or none of
it: if the transaction fails, each write's undo runs (the quota reservation is released, so a failed
call still costs nothing) and the error propagates. A stage used without the audit stage (tests, benchmarks) finds no ledger and
commits its own write as before.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.gateway.types import GatewayCall
from bot.store.audit_repository import AuditRepository
from bot.store.group_commit import AnyWrite

log = logging.getLogger(__name__)

Write = Callable[[AsyncConnection], Awaitable[object]]
Undo = Callable[[], Awaitable[object]]
_KEY = "ledger"


class CallLedger:
    def __init__(self) -> None:
        self._writes: list[AnyWrite] = []
        self._undos: list[Undo] = []
        self._lock_keys: list[Any] = []

    @staticmethod
    def open(call: GatewayCall) -> CallLedger:
        ledger = CallLedger()
        call.scratch[_KEY] = ledger
        return ledger

    @staticmethod
    def of(call: GatewayCall) -> CallLedger | None:
        ledger = call.scratch.get(_KEY)
        return ledger if isinstance(ledger, CallLedger) else None

    def add(self, write: AnyWrite, undo: Undo | None = None, lock_keys: Iterable[Any] = ()) -> None:
        """Run `write` in the closing transaction (a `Batched` one together with the other calls'); `undo` if that
        transaction fails. `lock_keys`: the quota
        counters it changes, locked with the whole batch's in one fixed order first."""
        self._writes.append(write)
        self._lock_keys.extend(lock_keys)
        if undo is not None:
            self._undos.append(undo)

    async def commit(self, audit: AuditRepository, record: dict[str, Any]) -> None:
        """All collected writes, then the audit `record`, in the next group transaction."""
        writes, self._writes = self._writes, []
        undos, self._undos = self._undos, []
        lock_keys, self._lock_keys = self._lock_keys, []
        try:
            await audit.record(record, writes, lock_keys)
        except BaseException:
            for undo in undos:
                try:
                    await undo()
                except Exception:  # keep undoing the others; the original error is what the caller sees
                    log.exception("undo after a failed closing transaction failed")
            raise

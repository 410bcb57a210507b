"""Group commit: one writer task commits the closing writes of many gateway calls in one transaction.

Every answered call ends with a quota settlement, a usage row and an audit record. Committed one call at a
time, each call paid a transaction of its own and, on PostgreSQL, queued for the audit chain's head row and
the quota counters' row locks while holding others ("idle in transaction" across awaits). Here calls hand
their writes to one task per process; it takes whatever has queued up, locks the batch's counters once in
the fixed order, runs the calls' writes and then appends all audit records with one move of the chain head
(the HMAC chain is computed in queue order), and commits. A write may be `Batched`: then the same kind of
write of all the batch's calls runs as one (one settlement statement and one usage insert per batch, not
per call), which keeps the batch's transaction, and the counter locks it holds, short. A caller awaits its batch's commit, so its usage
and audit are durable before its reply completes.

If a batch fails, each of its calls is retried alone, so one bad call fails only itself; the caller then
sees the error (and undoes what it must: ledger.py releases the reservation).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

log = logging.getLogger(__name__)

Write = Callable[[AsyncConnection], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class Batched:
    """One call's share of a write that runs once for the whole batch: `run` gets the payloads of every call in
    the batch that has a write with the same `run` (in queue order)."""

    run: Callable[[AsyncConnection, list[Any]], Awaitable[object]]
    payload: Any


AnyWrite = Write | Batched
Begin = Callable[[], AbstractAsyncContextManager[AsyncConnection]]
# Locks a batch's rows in one fixed order before any write (so batches and reservations never deadlock).
LockRows = Callable[[AsyncConnection, Iterable[Any]], Awaitable[None]]
# Appends the audit records (one per call, None for a call without one) in order, in the transaction.
AppendRecords = Callable[[AsyncConnection, Sequence[dict[str, Any]]], Awaitable[list[int]]]

MAX_BATCH = 256


@dataclass
class _Item:
    writes: Sequence[AnyWrite]
    record: dict[str, Any]
    lock_keys: Sequence[Any]
    done: asyncio.Future[int] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class GroupCommitter:
    def __init__(self, begin: Begin, append: AppendRecords, lock: LockRows | None = None):
        self._begin = begin
        self._append = append
        self._lock = lock
        self._queue: list[_Item] = []
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None

    async def commit(
        self, record: dict[str, Any], writes: Sequence[AnyWrite] = (), lock_keys: Sequence[Any] = ()
    ) -> int:
        """Run `writes`, then append `record` to the audit chain, in the next group transaction; returns the
        record's sequence number once that transaction has committed (or raises its error)."""
        item = _Item(writes, record, lock_keys)
        item.done.add_done_callback(_retrieved)  # a caller that went away leaves no "never retrieved" warning
        self._queue.append(item)
        self._ensure_writer().set()
        # shield: a caller that goes away (client disconnect) does not cancel the write the others share.
        return await asyncio.shield(item.done)

    def _ensure_writer(self) -> asyncio.Event:
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._task.get_loop() is not loop:
            self._queue = [item for item in self._queue if item.done.get_loop() is loop]
            self._wake = asyncio.Event()
            self._task = loop.create_task(self._run(self._wake), name="group-commit")
        assert self._wake is not None
        return self._wake

    async def close(self) -> None:
        """Finish what is queued, then stop the writer."""
        task, self._task = self._task, None
        if task is None or task.get_loop() is not asyncio.get_running_loop():
            return
        while self._queue and not task.done():
            await asyncio.sleep(0.001)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass

    async def _run(self, wake: asyncio.Event) -> None:
        while True:
            await wake.wait()
            wake.clear()
            while self._queue:
                batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
                await self._commit_batch(batch)

    async def _commit_batch(self, batch: list[_Item]) -> None:
        try:
            seqs = await self._transaction(batch)
        except Exception as error:  # noqa: BLE001 - retried alone below, each caller gets its own outcome
            if len(batch) == 1:
                _settle(batch[0], error=error)
                return
            log.warning("group commit of %d calls failed (%s); committing them one by one", len(batch), error)
            for item in batch:
                try:
                    seq = (await self._transaction([item]))[0]
                except Exception as alone:  # noqa: BLE001
                    _settle(item, error=alone)
                else:
                    _settle(item, seq=seq)
            return
        for item, seq in zip(batch, seqs, strict=True):
            _settle(item, seq=seq)

    async def _transaction(self, batch: Sequence[_Item]) -> list[int]:
        async with self._begin() as connection:
            if self._lock is not None:
                keys = {key for item in batch for key in item.lock_keys}
                if keys:
                    await self._lock(connection, keys)
            together: dict[Any, list[Any]] = {}  # Batched.run -> payloads, in queue order
            for item in batch:
                for write in item.writes:
                    if isinstance(write, Batched):
                        together.setdefault(write.run, []).append(write.payload)
                    else:
                        await write(connection)
            for run, payloads in together.items():
                await run(connection, payloads)
            return await self._append(connection, [item.record for item in batch])


def _settle(item: _Item, *, seq: int = 0, error: BaseException | None = None) -> None:
    if item.done.done():
        return
    if error is not None:
        item.done.set_exception(error)
    else:
        item.done.set_result(seq)


def _retrieved(future: asyncio.Future[int]) -> None:
    if not future.cancelled():
        future.exception()

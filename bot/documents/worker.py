"""Reading files in worker processes, so a hostile attachment costs one worker, never the server.

Parsing XLSX/DOCX/HWPX/PDF is CPU-bound Python that would hold the event loop (every user waits) and
can allocate gigabytes. Each job runs in a pebble process pool: the worker's address space is capped
with RLIMIT_AS (a MemoryError instead of the machine swapping) and a job over its time limit has its
worker killed and replaced by pebble. Either way the caller gets a LimitExceeded naming the limit.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import resource
from collections.abc import Callable
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool

from bot.documents.extract import MAX_CHARS, Extracted, extract_text, is_archive_or_pdf
from bot.documents.limits import MB, DocumentLimits, LimitExceeded

T = TypeVar("T")


def _cap_memory(memory_mb: int) -> None:
    """Worker initializer: the whole process may map at most `memory_mb`."""
    cap = memory_mb * MB
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


class DocumentWorker:
    """A lazily started process pool for reading files; one per Runtime, closed with it."""

    def __init__(self, limits: DocumentLimits):
        self.limits = limits
        self._pool: ProcessPool | None = None

    def _running(self) -> ProcessPool:
        if self._pool is None or not self._pool.active:
            self._pool = ProcessPool(
                max_workers=self.limits.workers,
                initializer=_cap_memory,
                initargs=(self.limits.memory_mb,),
                # spawn, not fork: the server has threads (and an event loop) a forked child must not inherit
                context=multiprocessing.get_context("spawn"),
            )
        return self._pool

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """`function(*args)` in a worker; LimitExceeded when it runs out of time or memory."""
        pool = self._pool if self._pool is not None and self._pool.active else await asyncio.to_thread(self._running)
        future = pool.schedule(function, args=args, timeout=self.limits.seconds)  # starting processes: off the loop
        try:
            return await asyncio.wrap_future(future)  # cancelling the turn cancels (kills) the job
        except TimeoutError:
            raise LimitExceeded("limit_time", {"seconds": self.limits.seconds}) from None
        except (MemoryError, ProcessExpired):
            raise LimitExceeded("limit_memory", {"limit": self.limits.memory_mb}) from None

    async def extract(self, name: str, content_type: str, data: bytes, limit: int = MAX_CHARS) -> Extracted:
        if not is_archive_or_pdf(name, content_type):  # plain text: no parser to attack, no process to start
            return await asyncio.to_thread(extract_text, name, content_type, data, limit, self.limits)
        try:
            return await self.run(extract_text, name, content_type, data, limit, self.limits)
        except LimitExceeded as error:
            return Extracted("", error.both())

    def close(self) -> None:
        if self._pool is not None:
            self._pool.stop()
            self._pool.join()
            self._pool = None

"""Thread memory bounded by a token budget.

By default (retention.store_content: false) memory lives only in this process and expires, or, when Redis is
configured, in Redis (sealed, with the same idle expiry) so any serve process can continue a thread; the database
never sees message content. With store_content: true it is kept in the database, with personal information
replaced by its type.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Protocol

from cachetools import TTLCache

from bot.gateway.stream import estimate_tokens
from bot.gateway.types import ChatMessage, as_role
from bot.privacy import redact
from bot.shared_state import MEMORY, SealedState, StateUnavailable
from bot.store.repositories import ConversationRepository

log = logging.getLogger(__name__)


def trim_to_budget(history: Sequence[ChatMessage], budget_tokens: int) -> list[ChatMessage]:
    """The most recent messages whose estimated tokens fit `budget_tokens`, oldest first."""
    kept: list[ChatMessage] = []
    used = 0
    for message in reversed(history):
        cost = estimate_tokens(message.content)
        if used + cost > budget_tokens:
            break
        kept.append(message)
        used += cost
    kept.reverse()
    # Never start the window with an orphaned assistant answer.
    while kept and kept[0].role == "assistant":
        kept.pop(0)
    return kept


class Memory(Protocol):
    async def load(self, key: str, conversation_id: int) -> list[ChatMessage]: ...

    async def append(self, key: str, conversation_id: int, message: ChatMessage) -> None: ...

    async def clear(self, key: str, conversation_id: int) -> None: ...


class ProcessMemory:
    """Ephemeral memory: per thread, least-recently-used eviction, idle expiry."""

    def __init__(
        self,
        budget_tokens: int,
        ttl_seconds: float,
        max_threads: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._budget = budget_tokens
        # Idle expiry: every append stores the thread again, which restarts its time-to-live.
        self._threads: TTLCache[str, list[ChatMessage]] = TTLCache(maxsize=max_threads, ttl=ttl_seconds, timer=clock)

    async def load(self, key: str, conversation_id: int) -> list[ChatMessage]:
        return trim_to_budget(self._threads.get(key, []), self._budget)

    async def append(self, key: str, conversation_id: int, message: ChatMessage) -> None:
        history = await self.load(key, conversation_id)
        history.append(message)
        self._threads[key] = trim_to_budget(history, self._budget * 2)

    async def clear(self, key: str, conversation_id: int) -> None:
        self._threads.pop(key, None)


class DatabaseMemory:
    """Memory kept in the database, for offices that chose to store conversation content."""

    def __init__(self, conversations: ConversationRepository, budget_tokens: int):
        self._conversations = conversations
        self._budget = budget_tokens

    async def load(self, key: str, conversation_id: int) -> list[ChatMessage]:
        rows = await self._conversations.content(conversation_id)
        return trim_to_budget([ChatMessage(as_role(role), content) for role, content, _ in rows], self._budget)

    async def append(self, key: str, conversation_id: int, message: ChatMessage) -> None:
        content = redact(message.content)  # raw personal information never reaches the database
        await self._conversations.add_content(conversation_id, message.role, content, estimate_tokens(content))

    async def clear(self, key: str, conversation_id: int) -> None:
        await self._conversations.clear_content(conversation_id)


class SharedMemory:
    """Memory in Redis (sealed, idle expiry), so a thread continues on whichever serve process gets the next message.
    Redis unreachable: this process's memory takes over until it is back (a thread then continues only where its
    previous message was answered), and a warning is logged."""

    def __init__(self, state: SealedState, budget_tokens: int, ttl_seconds: float, fallback: ProcessMemory) -> None:
        self._state = state
        self._budget = budget_tokens
        self._ttl = ttl_seconds
        self._fallback = fallback

    async def load(self, key: str, conversation_id: int) -> list[ChatMessage]:
        try:
            data = await self._state.get_json(MEMORY, key)
        except StateUnavailable as error:
            log.warning("shared thread memory unavailable (%s): this process's memory is used", error)
            return await self._fallback.load(key, conversation_id)
        history = [ChatMessage(as_role(role), content) for role, content in data or []]
        return trim_to_budget(history, self._budget)

    async def append(self, key: str, conversation_id: int, message: ChatMessage) -> None:
        try:
            history = await self.load(key, conversation_id)
            history = trim_to_budget([*history, message], self._budget * 2)
            await self._state.put_json(MEMORY, key, [[m.role, m.content] for m in history], self._ttl)
        except StateUnavailable:
            await self._fallback.append(key, conversation_id, message)

    async def clear(self, key: str, conversation_id: int) -> None:
        await self._fallback.clear(key, conversation_id)
        try:
            await self._state.delete(MEMORY, key)
        except StateUnavailable as error:
            log.warning("shared thread memory not cleared (%s)", error)

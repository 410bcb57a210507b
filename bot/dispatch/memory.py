"""Thread memory bounded by a token budget.

By default (retention.store_content: false) memory lives only in this process and expires; the
database never sees message content. With store_content: true it is kept in the database, with
personal information replaced by its type.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Protocol

from cachetools import TTLCache

from bot.gateway.stream import estimate_tokens
from bot.gateway.types import ChatMessage, as_role
from bot.privacy import redact
from bot.store.repositories import ConversationRepository


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

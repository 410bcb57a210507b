"""Small repositories: each owns one table and speaks in plain values, never ORM objects."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker

from bot.gateway.types import Completion, GatewayRequest
from bot.store.models import Conversation, ConversationMessage, Feedback, ProcessedEvent, UsageRecord


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class UsageTotals:
    tokens: int
    requests: int


UsageGroup = Literal["department", "assistant", "user"]


@dataclass(frozen=True, slots=True)
class UsageRow:
    """One group's use since a moment: the department it belongs to and the group's key (the department id, an
    assistant id, or a user id)."""

    department_id: str
    key: str
    tokens: int
    requests: int


_INSERT_USAGE = insert(UsageRecord)  # built once; each call only binds its values


class UsageRepository:
    def __init__(self, sessions: async_sessionmaker, engine: AsyncEngine):
        self._sessions = sessions
        self._engine = engine

    async def record(
        self, request: GatewayRequest, completion: Completion, connection: AsyncConnection | None = None
    ) -> None:
        """One usage row; with `connection` it joins the caller's transaction."""
        if connection is None:
            async with self._engine.begin() as own:
                return await self.record(request, completion, own)
        await self.record_many(connection, [(request, completion)])

    async def record_many(self, connection: AsyncConnection, calls: list[tuple[GatewayRequest, Completion]]) -> None:
        """The usage rows of several calls in one insert, in the caller's transaction (the group commit's batch)."""
        now = utcnow()
        rows = [
            dict(
                call_id=completion.call_id,
                created_at=now,
                department_id=request.department_id,
                user_id=request.user_id,
                platform=request.platform,
                purpose=request.purpose,
                assistant_id=request.assistant_id,
                assistant_version=request.assistant_version,
                model_alias=request.model,
                provider=completion.provider,
                model=completion.model,
                prompt_tokens=completion.usage.prompt_tokens,
                completion_tokens=completion.usage.completion_tokens,
                estimated=completion.usage.estimated,
                latency_ms=completion.latency_ms,
            )
            for request, completion in calls
        ]
        await connection.execute(_INSERT_USAGE, rows[0] if len(rows) == 1 else rows)  # one row: no executemany

    async def totals(self, department_id: str, since: datetime, user_id: str | None = None) -> UsageTotals:
        query = select(
            func.coalesce(func.sum(UsageRecord.prompt_tokens + UsageRecord.completion_tokens), 0), func.count()
        ).where(UsageRecord.department_id == department_id, UsageRecord.created_at >= since)
        if user_id is not None:
            query = query.where(UsageRecord.user_id == user_id)
        async with self._sessions() as session:
            tokens, requests = (await session.execute(query)).one()
        return UsageTotals(int(tokens), int(requests))

    async def exists(self, call_id: str) -> bool:
        async with self._sessions() as session:
            return (await session.scalar(select(func.count()).where(UsageRecord.call_id == call_id))) > 0

    async def breakdown(
        self, by: UsageGroup, since: datetime, department_ids: Collection[str], until: datetime | None = None
    ) -> list[UsageRow]:
        """Tokens and requests per department, per (department, assistant) or per (department, user) since `since`
        (and before `until`), for the given departments only (the admin console's usage tables), largest first."""
        column = {
            "department": UsageRecord.department_id,
            "assistant": func.coalesce(UsageRecord.assistant_id, ""),
            "user": UsageRecord.user_id,
        }[by]
        tokens = func.coalesce(func.sum(UsageRecord.prompt_tokens + UsageRecord.completion_tokens), 0)
        query = (
            select(UsageRecord.department_id, column, tokens, func.count())
            .where(
                UsageRecord.created_at >= since,
                UsageRecord.created_at < (until or datetime.max.replace(tzinfo=UTC)),
                UsageRecord.department_id.in_(list(department_ids)),
            )
            .group_by(UsageRecord.department_id, column)
            .order_by(tokens.desc())
        )
        async with self._sessions() as session:
            rows = (await session.execute(query)).all()
        return [UsageRow(str(d), str(k), int(t), int(n)) for d, k, t, n in rows]

    async def daily_tokens(
        self, since: datetime, until: datetime, department_ids: Collection[str], offset_minutes: int | None
    ) -> list[tuple[str, date | None, int]]:
        """(department, local day, tokens) summed in the database, one row per department and day. The local day is
        the UTC time moved by `offset_minutes` (the caller splits a period into runs of one UTC offset, so this holds
        in any zone on SQLite, which has no zone database, and PostgreSQL alike). `offset_minutes` None: one row per
        department for the whole span, day None (a day on which the offset changes). Metadata only."""
        tokens = func.sum(UsageRecord.prompt_tokens + UsageRecord.completion_tokens)
        day: Any = None
        if offset_minutes is not None:
            if self._engine.dialect.name == "postgresql":
                moved = func.timezone("UTC", UsageRecord.created_at) + func.make_interval(0, 0, 0, 0, 0, offset_minutes)
                day = func.to_char(moved, "YYYY-MM-DD")
            else:
                day = func.date(UsageRecord.created_at, f"{offset_minutes:+d} minutes")
        keys = [UsageRecord.department_id] + ([day] if day is not None else [])
        query = (
            select(*keys, tokens)
            .where(
                UsageRecord.created_at >= since,
                UsageRecord.created_at < until,
                UsageRecord.department_id.in_(list(department_ids)),
            )
            .group_by(*keys)
        )
        async with self._sessions() as session:
            rows = (await session.execute(query)).all()
        if day is None:
            return [(str(d), None, int(t or 0)) for d, t in rows]
        return [(str(d), date.fromisoformat(str(k)), int(t or 0)) for d, k, t in rows]


@dataclass(frozen=True, slots=True)
class ConversationState:
    id: int
    assistant_id: str | None
    assistant_version: int | None
    turns: int


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ConversationRepository:
    """Thread metadata: which assistant a thread uses, and its turn count."""

    def __init__(self, sessions: async_sessionmaker):
        self._sessions = sessions

    async def get(self, key: str) -> ConversationState | None:
        async with self._sessions() as session:
            row = await session.scalar(select(Conversation).where(Conversation.key_hash == _key_hash(key)))
            return (
                None if row is None else ConversationState(row.id, row.assistant_id, row.assistant_version, row.turns)
            )

    async def ensure(self, key: str, *, platform: str, user_id: str, department_id: str) -> ConversationState:
        existing = await self.get(key)
        if existing is not None:
            return existing
        now = utcnow()
        try:
            async with self._sessions.begin() as session:
                session.add(
                    Conversation(
                        key_hash=_key_hash(key),
                        platform=platform,
                        user_id=user_id,
                        department_id=department_id,
                        turns=0,
                        created_at=now,
                        updated_at=now,
                    )
                )
        except IntegrityError:
            pass  # another process created it first
        state = await self.get(key)
        assert state is not None
        return state

    async def set_assistant(self, key: str, assistant_id: str | None, version: int | None) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(Conversation)
                .where(Conversation.key_hash == _key_hash(key))
                .values(assistant_id=assistant_id, assistant_version=version, updated_at=utcnow())
            )

    async def count_turn(self, key: str, assistant_version: int | None) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(Conversation)
                .where(Conversation.key_hash == _key_hash(key))
                .values(turns=Conversation.turns + 1, assistant_version=assistant_version, updated_at=utcnow())
            )

    async def add_content(self, conversation_id: int, role: str, content: str, tokens: int) -> None:
        async with self._sessions.begin() as session:
            session.add(
                ConversationMessage(
                    conversation_id=conversation_id, role=role, content=content, tokens=tokens, created_at=utcnow()
                )
            )

    async def content(self, conversation_id: int) -> list[tuple[str, str, int]]:
        async with self._sessions() as session:
            rows = await session.execute(
                select(ConversationMessage.role, ConversationMessage.content, ConversationMessage.tokens)
                .where(ConversationMessage.conversation_id == conversation_id)
                .order_by(ConversationMessage.id)
            )
            return [(r, c, t) for r, c, t in rows]

    async def clear_content(self, conversation_id: int) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                delete(ConversationMessage).where(ConversationMessage.conversation_id == conversation_id)
            )


class EventClaims:
    """`claim` is true only the first time a key is seen (until it expires), across all processes."""

    def __init__(self, sessions: async_sessionmaker):
        self._sessions = sessions

    async def claim(self, key: str, ttl_seconds: int = 86_400) -> bool:
        now = utcnow()
        try:
            async with self._sessions.begin() as session:
                await session.execute(
                    delete(ProcessedEvent).where(ProcessedEvent.key == key, ProcessedEvent.expires_at < now)
                )
                session.add(ProcessedEvent(key=key, expires_at=now + timedelta(seconds=ttl_seconds)))
        except IntegrityError:
            return False
        return True


class RedisEventClaims:
    """The same promise on Redis (SET NX EX), for offices that run Redis beside several processes. Redis unreachable:
    the database's claims answer instead (an event retried across the outage's edges may then be answered twice,
    never lost). Keys live under the installation's prefix: two installations (or test runs) sharing one Redis
    must not swallow each other's events."""

    def __init__(self, client, fallback: EventClaims | None = None, *, prefix: str = "govbot:"):
        self._client = client
        self._fallback = fallback
        self._prefix = prefix + "event:"

    async def claim(self, key: str, ttl_seconds: int = 86_400) -> bool:
        from redis.exceptions import RedisError

        try:
            return bool(await self._client.set(self._prefix + key, "1", nx=True, ex=ttl_seconds))
        except (RedisError, OSError):
            if self._fallback is None:
                raise
            return await self._fallback.claim(key, ttl_seconds)


class FeedbackRepository:
    def __init__(self, sessions: async_sessionmaker):
        self._sessions = sessions

    async def record(self, answer_id: str, user_id: str, platform: str, value: str) -> None:
        """One vote per user and answer; voting again replaces the earlier vote."""
        async with self._sessions.begin() as session:
            await session.execute(delete(Feedback).where(Feedback.answer_id == answer_id, Feedback.user_id == user_id))
            session.add(
                Feedback(answer_id=answer_id, user_id=user_id, platform=platform, value=value, created_at=utcnow())
            )

    async def counts(self, answer_id: str) -> dict[str, int]:
        async with self._sessions() as session:
            rows = await session.execute(
                select(Feedback.value, func.count()).where(Feedback.answer_id == answer_id).group_by(Feedback.value)
            )
            return {value: int(count) for value, count in rows}

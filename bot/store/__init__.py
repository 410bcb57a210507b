"""Storage behind small repositories (SQLAlchemy 2.0 async, Alembic migrations)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.audit.keys import AuditKey, load_audit_key
from bot.settings import Settings
from bot.shared_state import SealedState, sealing_key
from bot.store.assistants_repository import AssistantRepository
from bot.store.audit_repository import AuditRepository
from bot.store.db import make_engine, upgrade
from bot.store.dialogues_repository import DialogueRepository
from bot.store.keys_repository import ApiKeyRepository
from bot.store.quota_repository import QuotaRepository
from bot.store.repositories import (
    ConversationRepository,
    EventClaims,
    FeedbackRepository,
    RedisEventClaims,
    UsageRepository,
)
from bot.store.retention_repository import RetentionRepository
from bot.store.roles_repository import RoleRepository
from bot.store.shared_state import DatabaseState, FallbackState, RedisState

if TYPE_CHECKING:
    from redis.asyncio import Redis


@dataclass
class Store:
    engine: AsyncEngine
    sessions: async_sessionmaker
    usage: UsageRepository
    conversations: ConversationRepository
    events: EventClaims | RedisEventClaims
    feedback: FeedbackRepository
    quota: QuotaRepository
    audit: AuditRepository
    keys: ApiKeyRepository
    assistants: AssistantRepository
    roles: RoleRepository
    dialogues: DialogueRepository
    retention: RetentionRepository
    # Short-lived state every serve process may be asked for (bot/shared_state.py), sealed under a key derived from
    # the audit key: Redis (falling back to the database when Redis is down) when configured, else the database.
    shared: SealedState
    # Redis alone (None without Redis): for what must never reach the database (thread memory when
    # retention.store_content is false, placeholder vaults when Redis is configured).
    volatile: SealedState | None
    database_state: DatabaseState
    _redis: Redis | None = None
    _reservation_engine: AsyncEngine | None = None

    @classmethod
    def from_engine(
        cls,
        engine: AsyncEngine,
        audit_key: AuditKey,
        redis_client: Redis | None = None,
        redis_prefix: str = "govbot:",
        reservation_engine: AsyncEngine | None = None,
    ) -> Store:
        """`reservation_engine`: where quota reservations are written (see QuotaRepository), else `engine`."""
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        quota = QuotaRepository(sessions, engine, reservation_engine=reservation_engine)
        audit = AuditRepository(sessions, engine, audit_key, lock=quota.lock_counters)
        events = (
            RedisEventClaims(redis_client, EventClaims(sessions), prefix=redis_prefix)
            if redis_client is not None
            else EventClaims(sessions)
        )
        key = sealing_key(audit_key.secret)
        database_state = DatabaseState(sessions, engine)
        redis_state = RedisState(redis_client, redis_prefix) if redis_client is not None else None
        shared = SealedState(FallbackState(redis_state, database_state) if redis_state else database_state, key)
        volatile = SealedState(redis_state, key) if redis_state else None
        return cls(
            engine,
            sessions,
            UsageRepository(sessions, engine),
            ConversationRepository(sessions),
            events,
            FeedbackRepository(sessions),
            quota,
            audit,
            ApiKeyRepository(sessions, audit),
            AssistantRepository(sessions),
            RoleRepository(sessions),
            DialogueRepository(sessions),
            RetentionRepository(engine, audit),
            shared,
            volatile,
            database_state,
            redis_client,
            reservation_engine,
        )

    @classmethod
    async def open(
        cls,
        database_url: str,
        *,
        redis_url: str | None = None,
        schema: str | None = None,
        migrate: bool = False,
        audit_key: AuditKey | None = None,
        redis_prefix: str = "govbot:",
    ) -> Store:
        """`audit_key` defaults to the one the environment names (GOVBOT_AUDIT_KEY or the development file)."""
        if audit_key is None:
            audit_key = await asyncio.to_thread(load_audit_key, Settings())
        engine = make_engine(database_url, schema=schema)
        if migrate:
            await upgrade(engine)
        reservations = None
        if engine.dialect.name == "postgresql":  # its own small pool, committing without waiting for the WAL flush
            reservations = make_engine(database_url, schema=schema, synchronous_commit=False)
        redis_client: Redis | None = None
        if redis_url:
            from redis.asyncio import Redis

            # Short timeouts: a stopped Redis is noticed in seconds and the fallbacks take over (README).
            redis_client = Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)
        return cls.from_engine(engine, audit_key, redis_client, redis_prefix, reservations)

    async def claim_event(self, key: str, ttl_seconds: int = 86_400) -> bool:
        """True only the first time `key` is claimed by any govbot process sharing this store."""
        return await self.events.claim(key, ttl_seconds)

    async def close(self) -> None:
        await self.audit.close()
        if self._redis is not None:
            await self._redis.aclose()
        if self._reservation_engine is not None:
            await self._reservation_engine.dispose()
        await self.engine.dispose()

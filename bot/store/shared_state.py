"""The shared-state backends that reach beyond one process (bot/shared_state.py has the interface and the sealing):
the database (a table with an expiry, swept) and Redis (native TTLs), and Redis with the database behind it for
when Redis stops."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.shared_state import StateBackend, StateUnavailable
from bot.store.models import SharedStateEntry

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


class DatabaseState:
    """One row per entry in `shared_state`; reads ignore expired rows, `sweep` deletes them."""

    def __init__(self, sessions: async_sessionmaker, engine: AsyncEngine) -> None:
        self._sessions = sessions
        dialect = engine.dialect.name
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]  # same API, other dialect
        self._insert = insert

    async def put(self, namespace: str, key: str, value: bytes, ttl_seconds: float) -> None:
        expires = _now() + timedelta(seconds=ttl_seconds)
        statement = self._insert(SharedStateEntry).values(namespace=namespace, key=key, value=value, expires_at=expires)
        statement = statement.on_conflict_do_update(
            index_elements=["namespace", "key"], set_={"value": value, "expires_at": expires}
        )
        try:
            async with self._sessions.begin() as session:
                await session.execute(statement)
        except (OperationalError, DBAPIError, OSError) as error:
            raise StateUnavailable(type(error).__name__) from error

    async def get(self, namespace: str, key: str) -> bytes | None:
        try:
            async with self._sessions() as session:
                value = await session.scalar(
                    select(SharedStateEntry.value).where(
                        SharedStateEntry.namespace == namespace,
                        SharedStateEntry.key == key,
                        SharedStateEntry.expires_at > _now(),
                    )
                )
        except (OperationalError, DBAPIError, OSError) as error:
            raise StateUnavailable(type(error).__name__) from error
        return bytes(value) if value is not None else None

    async def delete(self, namespace: str, key: str) -> None:
        try:
            async with self._sessions.begin() as session:
                await session.execute(
                    delete(SharedStateEntry).where(SharedStateEntry.namespace == namespace, SharedStateEntry.key == key)
                )
        except (OperationalError, DBAPIError, OSError) as error:
            raise StateUnavailable(type(error).__name__) from error

    async def take(self, namespace: str, key: str) -> bytes | None:
        statement = (
            delete(SharedStateEntry)
            .where(
                SharedStateEntry.namespace == namespace,
                SharedStateEntry.key == key,
                SharedStateEntry.expires_at > _now(),
            )
            .returning(SharedStateEntry.value)
        )
        try:
            async with self._sessions.begin() as session:
                value = (await session.execute(statement)).scalar()
        except (OperationalError, DBAPIError, OSError) as error:
            raise StateUnavailable(type(error).__name__) from error
        return bytes(value) if value is not None else None

    async def sweep(self) -> int:
        """Delete expired entries (every serve process does, now and then); how many went."""
        async with self._sessions.begin() as session:
            result: Any = await session.execute(delete(SharedStateEntry).where(SharedStateEntry.expires_at <= _now()))
        return int(result.rowcount or 0)


class RedisState:
    """Entries as Redis strings with a TTL, under `prefix` (one installation, or one test, per prefix)."""

    def __init__(self, client: Any, prefix: str = "govbot:") -> None:
        self._client = client
        self._prefix = prefix + "state:"

    def _key(self, namespace: str, key: str) -> str:
        return f"{self._prefix}{namespace}:{key}"

    async def _run(self, command: str, namespace: str, key: str, **options: Any) -> Any:
        """One Redis command on one entry; a Redis that cannot be reached is StateUnavailable, for the fallback."""
        from redis.exceptions import RedisError

        try:
            return await getattr(self._client, command)(self._key(namespace, key), **options)
        except (RedisError, OSError) as error:
            raise StateUnavailable(type(error).__name__) from error

    async def put(self, namespace: str, key: str, value: bytes, ttl_seconds: float) -> None:
        await self._run("set", namespace, key, value=value, px=max(1, int(ttl_seconds * 1000)))

    async def get(self, namespace: str, key: str) -> bytes | None:
        value = await self._run("get", namespace, key)
        return bytes(value) if value is not None else None

    async def delete(self, namespace: str, key: str) -> None:
        await self._run("delete", namespace, key)

    async def take(self, namespace: str, key: str) -> bytes | None:
        value = await self._run("getdel", namespace, key)
        return bytes(value) if value is not None else None


class FallbackState:
    """Redis first; the database when Redis cannot be reached, and for what Redis does not have (an entry written
    while Redis was down), so a Redis outage costs no button and no download link."""

    def __init__(self, primary: StateBackend, secondary: StateBackend) -> None:
        self._primary = primary
        self._secondary = secondary
        self._warned_at = 0.0

    def _warn(self, error: StateUnavailable) -> None:
        if time.monotonic() - self._warned_at > 60:
            self._warned_at = time.monotonic()
            log.warning(
                "Redis에 연결할 수 없어 공유 상태를 데이터베이스에 둡니다 / Redis unreachable (%s): shared state "
                "goes to the database until it is back",
                error,
            )

    async def put(self, namespace: str, key: str, value: bytes, ttl_seconds: float) -> None:
        try:
            await self._primary.put(namespace, key, value, ttl_seconds)
        except StateUnavailable as error:
            self._warn(error)
            await self._secondary.put(namespace, key, value, ttl_seconds)

    async def _read(self, method: str, namespace: str, key: str) -> bytes | None:
        """Redis's value, else the database's (Redis down, or the entry was written while it was)."""
        try:
            value = await getattr(self._primary, method)(namespace, key)
        except StateUnavailable as error:
            self._warn(error)
            value = None
        return value if value is not None else await getattr(self._secondary, method)(namespace, key)

    async def get(self, namespace: str, key: str) -> bytes | None:
        return await self._read("get", namespace, key)

    async def delete(self, namespace: str, key: str) -> None:
        try:
            await self._primary.delete(namespace, key)
        except StateUnavailable as error:
            self._warn(error)
        await self._secondary.delete(namespace, key)

    async def take(self, namespace: str, key: str) -> bytes | None:
        return await self._read("take", namespace, key)

"""Per-department API keys for the OpenAI-compatible endpoint. Only a SHA-256 of each key is kept
(keys are 256-bit random, so a fast hash is enough); the key itself is shown once, at creation."""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.audit.admin import AdminChange, AuditAppender, admin_record
from bot.store.models import ApiKey

KEY_PREFIX = "gbk_"
LAST_USED_RESOLUTION = timedelta(minutes=5)
# How long this process trusts a key it has checked before asking the database again. A key revoked in this
# process stops working at once (revoke() empties the cache); one revoked by another process stops working
# here within this many seconds.
KEY_CACHE_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class KeyInfo:
    id: int
    prefix: str
    department_id: str
    name: str
    created_by: str
    created_at: datetime
    revoked: bool
    last_used_at: datetime | None


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _info(row: ApiKey) -> KeyInfo:
    return KeyInfo(
        row.id,
        row.prefix,
        row.department_id,
        row.name,
        row.created_by,
        row.created_at,
        row.revoked_at is not None,
        row.last_used_at,
    )


class ApiKeyRepository:
    """Creating and revoking a key writes its signed audit record (who, which department, the key's prefix and
    name; never the key) in the same transaction, whichever surface asked: the console, `govbot keys`, a test."""

    def __init__(
        self,
        sessions: async_sessionmaker,
        audit: AuditAppender,
        *,
        cache_seconds: float = KEY_CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._sessions = sessions
        self._audit = audit
        self._cache_seconds = cache_seconds
        self._clock = clock
        # SHA-256 of a live key -> (monotonic deadline, its record). Only keys that authenticated are kept (at
        # most as many as exist); the key itself never is.
        self._checked: dict[str, tuple[float, KeyInfo]] = {}
        self._generation = 0  # bumped by every revocation, so a lookup racing one cannot re-cache the old row

    async def create(
        self, department_id: str, name: str, created_by: str, *, platform: str = "cli"
    ) -> tuple[str, KeyInfo]:
        """A new key (returned once, never stored) and its public record."""
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        row = ApiKey(
            prefix=key[: len(KEY_PREFIX) + 8],
            key_hash=_hash(key),
            department_id=department_id,
            name=name,
            created_by=created_by,
            created_at=datetime.now(UTC),
        )
        async with self._sessions.begin() as session:
            session.add(row)
            await session.flush()
            change = AdminChange("key_create", created_by, department_id, {"key": row.prefix}, platform)
            after = {"prefix": row.prefix, "name": name, "revoked": False}
            await self._audit.append(admin_record(change, None, after), await session.connection())
        return key, _info(row)

    async def authenticate(self, key: str) -> KeyInfo | None:
        """The key's record when it exists and is not revoked (see KEY_CACHE_SECONDS for how fresh)."""
        if not key.startswith(KEY_PREFIX):
            return None
        key_hash = _hash(key)
        cached = self._checked.get(key_hash)
        now_monotonic = self._clock()
        if cached is not None and cached[0] > now_monotonic:
            info = cached[1]
        else:
            generation = self._generation
            async with self._sessions() as session:
                row = await session.scalar(
                    select(ApiKey).where(ApiKey.key_hash == key_hash, ApiKey.revoked_at.is_(None))
                )
            if row is None:
                self._checked.pop(key_hash, None)
                return None
            info = _info(row)
            if generation == self._generation:
                self._checked[key_hash] = (now_monotonic + self._cache_seconds, info)
        now = datetime.now(UTC)
        last = (
            info.last_used_at.replace(tzinfo=UTC)
            if info.last_used_at and info.last_used_at.tzinfo is None
            else info.last_used_at
        )
        if last is None or now - last > LAST_USED_RESOLUTION:  # not a write on every request
            async with self._sessions.begin() as session:
                await session.execute(update(ApiKey).where(ApiKey.id == info.id).values(last_used_at=now))
            info = replace(info, last_used_at=now)
            entry = self._checked.get(key_hash)
            if entry is not None:
                self._checked[key_hash] = (entry[0], info)
        return info

    async def list(self, department_id: str | None = None) -> list[KeyInfo]:
        query = select(ApiKey).order_by(ApiKey.id)
        if department_id:
            query = query.where(ApiKey.department_id == department_id)
        async with self._sessions() as session:
            return [_info(row) for row in (await session.scalars(query)).all()]

    async def revoke(self, prefix: str, *, by: str, platform: str = "cli") -> int:
        """Revoke the live keys with this prefix; audited (per department) when one was revoked."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(ApiKey)
                .where(ApiKey.prefix == prefix, ApiKey.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC))
                .returning(ApiKey.department_id, ApiKey.name)
            )
            revoked = result.all()
            self._forget_checked()  # before the commit too: no request in this process trusts the key from here on
            for department_id, name in revoked:
                change = AdminChange("key_revoke", by, department_id, {"key": prefix}, platform)
                record = admin_record(change, {"prefix": prefix, "name": name, "revoked": False}, {"revoked": True})
                await self._audit.append(record, await session.connection())
        self._forget_checked()  # and after it, in case a lookup read the row in between
        return len(revoked)

    def _forget_checked(self) -> None:
        self._generation += 1
        self._checked.clear()

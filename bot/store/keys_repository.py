"""Per-department API keys for the OpenAI-compatible endpoint. Only a SHA-256 of each key is kept
(keys are 256-bit random, so a fast hash is enough); the key itself is shown once, at creation."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.audit.admin import AdminChange, AuditAppender, admin_record
from bot.store.models import ApiKey

KEY_PREFIX = "gbk_"
LAST_USED_RESOLUTION = timedelta(minutes=5)


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

    def __init__(self, sessions: async_sessionmaker, audit: AuditAppender):
        self._sessions = sessions
        self._audit = audit

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
        """The key's record when it exists and is not revoked."""
        if not key.startswith(KEY_PREFIX):
            return None
        async with self._sessions() as session:
            row = await session.scalar(select(ApiKey).where(ApiKey.key_hash == _hash(key), ApiKey.revoked_at.is_(None)))
            if row is None:
                return None
            info = _info(row)
        now = datetime.now(UTC)
        last = (
            info.last_used_at.replace(tzinfo=UTC)
            if info.last_used_at and info.last_used_at.tzinfo is None
            else info.last_used_at
        )
        if last is None or now - last > LAST_USED_RESOLUTION:  # not a write on every request
            async with self._sessions.begin() as session:
                await session.execute(update(ApiKey).where(ApiKey.id == info.id).values(last_used_at=now))
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
            for department_id, name in revoked:
                change = AdminChange("key_revoke", by, department_id, {"key": prefix}, platform)
                record = admin_record(change, {"prefix": prefix, "name": name, "revoked": False}, {"revoked": True})
                await self._audit.append(record, await session.connection())
            return len(revoked)

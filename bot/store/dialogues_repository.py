"""Where a guided authoring dialogue stands, per conversation; shared by every govbot process so the
next answer may reach any of them."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.store.models import AuthoringDialogue
from bot.store.repositories import _key_hash, utcnow


class DialogueRepository:
    def __init__(self, sessions: async_sessionmaker, ttl: timedelta = timedelta(hours=1)):
        self._sessions = sessions
        self._ttl = ttl

    async def get(self, conversation_key: str, user_id: str) -> tuple[str, dict[str, Any]] | None:
        """(step, data) of the user's open dialogue in this conversation; None when none or expired."""
        async with self._sessions() as session:
            row = await session.get(AuthoringDialogue, _key_hash(conversation_key))
            if row is None or row.user_id != user_id:
                return None
            updated = row.updated_at if row.updated_at.tzinfo else row.updated_at.replace(tzinfo=utcnow().tzinfo)
            if utcnow() - updated > self._ttl:
                return None
            return row.step, json.loads(row.data)

    async def put(self, conversation_key: str, user_id: str, step: str, data: dict[str, Any]) -> None:
        """Save the step; abandoned dialogues older than the time limit are removed on the way."""
        async with self._sessions.begin() as session:
            await session.execute(delete(AuthoringDialogue).where(AuthoringDialogue.updated_at < utcnow() - self._ttl))
            await session.merge(
                AuthoringDialogue(
                    key_hash=_key_hash(conversation_key),
                    user_id=user_id,
                    step=step,
                    data=json.dumps(data, ensure_ascii=False),
                    updated_at=utcnow(),
                )
            )

    async def end(self, conversation_key: str) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                delete(AuthoringDialogue).where(AuthoringDialogue.key_hash == _key_hash(conversation_key))
            )

"""Result files (e.g. a triage XLSX) kept for a short while behind unguessable tokens, and only for the user they
were made for. Nothing is written to disk by govbot itself: the files live in the shared state (sealed, with a
time to live; Redis or the database, see bot/shared_state.py), so a link made by one serve process downloads from
any other.

Part of the core so every adapter (web chat links, Teams file links) shares one store.
"""

from __future__ import annotations

import json
import secrets

from bot.conversation import FilePart
from bot.shared_state import DOWNLOADS, SealedState, process_state


class Downloads:
    """token -> (owner, file), expiring after `ttl_seconds`."""

    def __init__(self, state: SealedState | None = None, ttl_seconds: float = 3600) -> None:
        self._state = state or process_state()
        self._ttl = ttl_seconds

    async def put(self, part: FilePart, owner: str) -> str:
        token = secrets.token_urlsafe(24)
        header = json.dumps(
            {"owner": owner, "name": part.name, "type": part.content_type, "title": part.title}, ensure_ascii=False
        ).encode()
        await self._state.put(DOWNLOADS, token, len(header).to_bytes(4, "big") + header + part.data, self._ttl)
        return token

    async def get(self, token: str, owner: str) -> FilePart | None:
        value = await self._state.get(DOWNLOADS, token)
        if value is None:
            return None
        size = int.from_bytes(value[:4], "big")
        header = json.loads(value[4 : 4 + size])
        if header["owner"] != owner:
            return None
        return FilePart(header["name"], header["type"], value[4 + size :], header.get("title", ""))

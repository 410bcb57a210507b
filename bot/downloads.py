"""Result files (e.g. a triage XLSX) kept in memory for a short while, behind unguessable tokens,
and only for the user they were made for. Nothing is written to disk.

Part of the core so every adapter (web chat links, Teams file links) shares one store.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable

from cachetools import TTLCache

from bot.conversation import FilePart


class Downloads:
    """A bounded, expiring token -> (owner, file) map; the oldest files go first when it is full."""

    def __init__(
        self, ttl_seconds: float = 3600, max_files: int = 200, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._files: TTLCache[str, tuple[str, FilePart]] = TTLCache(maxsize=max_files, ttl=ttl_seconds, timer=clock)

    def put(self, part: FilePart, owner: str) -> str:
        token = secrets.token_urlsafe(24)
        self._files[token] = (owner, part)
        return token

    def get(self, token: str, owner: str) -> FilePart | None:
        entry = self._files.get(token)
        if entry is None:
            return None
        return entry[1] if entry[0] == owner else None

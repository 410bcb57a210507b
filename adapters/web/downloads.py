"""Result files (e.g. a triage XLSX) kept in memory for a short while, behind unguessable tokens,
and only for the user they were made for. Nothing is written to disk."""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict

from bot.conversation import FilePart


class Downloads:
    def __init__(self, ttl_seconds: float = 3600, max_files: int = 200, clock=time.monotonic):  # type: ignore[no-untyped-def]
        self._ttl = ttl_seconds
        self._max = max_files
        self._clock = clock
        self._files: OrderedDict[str, tuple[float, str, FilePart]] = OrderedDict()

    def put(self, part: FilePart, owner: str) -> str:
        token = secrets.token_urlsafe(24)
        self._files[token] = (self._clock(), owner, part)
        while len(self._files) > self._max:
            self._files.popitem(last=False)
        return token

    def get(self, token: str, owner: str) -> FilePart | None:
        entry = self._files.get(token)
        if entry is None or self._clock() - entry[0] > self._ttl:
            self._files.pop(token, None)
            return None
        return entry[2] if entry[1] == owner else None

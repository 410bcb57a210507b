"""Short-lived state that any serve process may be asked for: result-file downloads, button tokens, placeholder
vaults, Teams channel addresses, and (with Redis) thread memory.

Behind one small interface (`StateBackend`: put/get/delete bytes with a time to live) with three backends: this
process only (`ProcessState`, one process or tests), the database and Redis (bot/store/shared_state.py). Callers
never use a backend directly but a `SealedState` over it: every value is encrypted and authenticated (AES-GCM) with
a key derived from the audit key, which every process of an installation shares, and every key is replaced by its
HMAC, so neither Redis nor the database ever holds a personal value, a user id or a token in the clear.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from collections.abc import Callable
from typing import Any, Protocol

from cachetools import TTLCache
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# What each kind of state is filed under (one namespace each, so a key of one kind never reads another kind).
DOWNLOADS = "download"
FORWARDS = "forward"
VAULTS = "vault"
TEAMS_CHANNELS = "teams-channel"
MEMORY = "memory"


class StateUnavailable(Exception):
    """The backend could not be reached (Redis stopped, database restarting); the caller falls back or refuses."""


class StateBackend(Protocol):
    async def put(self, namespace: str, key: str, value: bytes, ttl_seconds: float) -> None: ...

    async def get(self, namespace: str, key: str) -> bytes | None: ...

    async def delete(self, namespace: str, key: str) -> None: ...

    async def take(self, namespace: str, key: str) -> bytes | None:
        """Get and delete in one step: of several callers (processes) at once, one gets the value."""
        ...


class ProcessState:
    """This process's memory only: for a single process (and tests). Entries expire; the oldest go first when full."""

    def __init__(self, max_entries: int = 50_000, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._entries: TTLCache[tuple[str, str], tuple[float, bytes]] = TTLCache(
            maxsize=max_entries, ttl=366 * 86_400, timer=clock
        )

    async def put(self, namespace: str, key: str, value: bytes, ttl_seconds: float) -> None:
        self._entries[(namespace, key)] = (self._clock() + ttl_seconds, value)

    async def get(self, namespace: str, key: str) -> bytes | None:
        entry = self._entries.get((namespace, key))
        if entry is None or entry[0] <= self._clock():
            return None
        return entry[1]

    async def delete(self, namespace: str, key: str) -> None:
        self._entries.pop((namespace, key), None)

    async def take(self, namespace: str, key: str) -> bytes | None:
        value = await self.get(namespace, key)
        self._entries.pop((namespace, key), None)
        return value


def sealing_key(audit_secret: bytes) -> bytes:
    """The shared-state key, derived from the audit key (never the audit key itself)."""
    return hmac.new(audit_secret, b"govbot shared state v1", hashlib.sha256).digest()


class SealedState:
    """Encrypts values and hides keys before they reach a backend (see the module docstring)."""

    def __init__(self, backend: StateBackend, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the sealing key must be 32 bytes")
        self.backend = backend
        self._aead = AESGCM(key)
        self._names = hmac.new(key, b"names", hashlib.sha256).digest()

    def _name(self, namespace: str, key: str) -> str:
        return hmac.new(self._names, f"{namespace}\0{key}".encode(), hashlib.sha256).hexdigest()

    async def put(self, namespace: str, key: str, value: bytes, ttl_seconds: float) -> None:
        name = self._name(namespace, key)
        nonce = os.urandom(12)
        sealed = nonce + self._aead.encrypt(nonce, value, f"{namespace}:{name}".encode())
        await self.backend.put(namespace, name, sealed, ttl_seconds)

    async def get(self, namespace: str, key: str) -> bytes | None:
        """The value, or None when absent, expired, or sealed under another key (the audit key was rotated)."""
        name = self._name(namespace, key)
        return self._open(namespace, name, await self.backend.get(namespace, name))

    def _open(self, namespace: str, name: str, sealed: bytes | None) -> bytes | None:
        if sealed is None or len(sealed) < 28:
            return None
        try:
            return self._aead.decrypt(sealed[:12], sealed[12:], f"{namespace}:{name}".encode())
        except InvalidTag:
            return None

    async def delete(self, namespace: str, key: str) -> None:
        await self.backend.delete(namespace, self._name(namespace, key))

    async def take(self, namespace: str, key: str) -> bytes | None:
        """The value, removed in the same step (None as for `get`)."""
        name = self._name(namespace, key)
        return self._open(namespace, name, await self.backend.take(namespace, name))

    async def put_json(self, namespace: str, key: str, value: Any, ttl_seconds: float) -> None:
        await self.put(namespace, key, json.dumps(value, ensure_ascii=False).encode(), ttl_seconds)

    async def get_json(self, namespace: str, key: str) -> Any | None:
        raw = await self.get(namespace, key)
        return None if raw is None else json.loads(raw)


def process_state() -> SealedState:
    """State of this process only, under a random key: what a component gets when nothing shared is given."""
    return SealedState(ProcessState(), os.urandom(32))

"""Slack user id → display name and e-mail, fetched once with users.info and cached.

E-mail lets app.yaml map officials by address when their Slack id is not listed. The cache is
per process and bounded; a failed lookup is remembered briefly so a broken scope does not turn
every message into a users.info call.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from cachetools import TLRUCache
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SlackUser:
    name: str = ""
    email: str = ""


class UserDirectory:
    def __init__(
        self,
        client: AsyncWebClient,
        *,
        ttl_seconds: float = 6 * 3600,
        failed_ttl_seconds: float = 300,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.client = client
        self.ttl = ttl_seconds
        self.failed_ttl = failed_ttl_seconds
        self.max_entries = max_entries
        # Each entry carries its own time-to-live (a failed look-up is kept for a shorter while).
        self._cache: TLRUCache[str, tuple[SlackUser, float]] = TLRUCache(
            maxsize=max_entries, ttu=lambda _key, entry, now: now + entry[1], timer=clock
        )
        self._pending: dict[str, asyncio.Future[tuple[SlackUser, float]]] = {}

    async def get(self, user_id: str) -> SlackUser:
        if not user_id:
            return SlackUser()
        cached = self._cache.get(user_id)
        if cached is not None:
            return cached[0]
        pending = self._pending.get(user_id)
        if pending is not None:  # the same new user sent several messages at once: one users.info call
            return (await asyncio.shield(pending))[0]
        task = asyncio.ensure_future(self._fetch(user_id))
        self._pending[user_id] = task
        try:
            user, ttl = await asyncio.shield(task)
        finally:
            self._pending.pop(user_id, None)
        self._cache[user_id] = (user, ttl)
        return user

    async def _fetch(self, user_id: str) -> tuple[SlackUser, float]:
        try:
            response = await self.client.users_info(user=user_id)
        except SlackApiError as error:
            log.warning("slack users.info failed: %s", error.response.get("error"))
            return SlackUser(), self.failed_ttl
        info = response.get("user") or {}
        profile = info.get("profile") or {}
        name = (
            profile.get("display_name") or profile.get("real_name") or info.get("real_name") or info.get("name") or ""
        )
        return SlackUser(str(name), str(profile.get("email") or "")), self.ttl

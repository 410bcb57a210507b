"""A ReplySink that shows an answer growing inside its "작성 중…" message (chat.update, throttled)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.render import streaming_message

log = logging.getLogger(__name__)


class SlackProgress:
    """Edits at most once per `interval` seconds: chat.update is rate limited (about 50 a minute)."""

    def __init__(
        self,
        client: AsyncWebClient,
        channel: str,
        ts: str | None,
        note: str,
        *,
        interval: float = 1.5,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.client = client
        self.channel = channel
        self.ts = ts
        self.note = note
        self.interval = interval
        self._clock = clock
        self._text = ""
        self._last = clock()
        self._failed = False

    async def delta(self, text: str) -> None:
        self._text += text
        await self._maybe_update()

    async def progress(self, note: str) -> None:
        self.note = note
        await self._maybe_update(force=not self._text)

    async def _maybe_update(self, force: bool = False) -> None:
        if self.ts is None or self._failed:
            return
        now = self._clock()
        if not force and now - self._last < self.interval:
            return
        self._last = now
        message = streaming_message(self._text, self.note)
        try:
            await self.client.chat_update(channel=self.channel, ts=self.ts, text=message.text, blocks=message.blocks)
        except SlackApiError as error:
            # Progress is a courtesy; the final answer is still posted.
            log.warning("slack progress update failed: %s", error.response.get("error"))
            self._failed = True

"""A ReplySink that shows an answer growing inside its "작성 중…" message (chat.update, throttled)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.pacing import UpdatePacer, retry_after
from adapters.slack.render import streaming_message

log = logging.getLogger(__name__)


class SlackProgress:
    """Edits at most once per `interval` seconds, and only when the workspace's shared `pacer` allows it:
    chat.update is rate limited (about 50 a minute per workspace). `client` must not retry 429s itself:
    a progress edit that Slack throttles is skipped (and every answer pauses for Retry-After), never retried."""

    def __init__(
        self,
        client: AsyncWebClient,
        channel: str,
        ts: str | None,
        note: str,
        *,
        interval: float = 1.5,
        pacer: UpdatePacer | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.pacer = pacer
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
        if self.pacer is not None and not self.pacer.may_update(self.channel):
            return
        self._last = now
        message = streaming_message(self._text, self.note)
        try:
            await self.client.chat_update(channel=self.channel, ts=self.ts, text=message.text, blocks=message.blocks)
        except SlackApiError as error:
            # Progress is a courtesy; the final answer is still posted.
            code = error.response.get("error")
            if code == "ratelimited" or error.response.status_code == 429:
                if self.pacer is not None:
                    self.pacer.pause(retry_after(error.response.headers))
                return
            log.warning("slack progress update failed: %s", code)
            self._failed = True

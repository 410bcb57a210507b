"""One chat.update budget shared by every answer being written in a workspace.

chat.update is Slack's Tier 3 (about 50 calls a minute per workspace, short bursts allowed). With 20 answers
streaming at once, one edit per answer every 1.5 s is 800 a minute: Slack answers 429 and, before this, the
final answers competed with progress edits for the same budget. Here progress edits ("작성 중…" growing) are a
courtesy that is skipped when the budget is low, a channel was edited less than `channel_gap` ago, or Slack
asked to wait (Retry-After); final answers draw on the whole budget and wait only for Retry-After.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

TIER3_PER_MINUTE = 45.0  # below Slack's 50 a minute for chat.update
BURST = 15.0
FINAL_WAIT_LIMIT = 30.0  # a final answer waits at most this long for the budget, then goes anyway


class UpdatePacer:
    def __init__(
        self,
        *,
        per_minute: float = TIER3_PER_MINUTE,
        burst: float = BURST,
        channel_gap: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.rate = per_minute / 60.0
        self.burst = burst
        self.channel_gap = channel_gap
        self._clock = clock
        self._tokens = burst
        self._refilled = clock()
        self._paused_until = 0.0
        self._channel_last: dict[str, float] = {}

    def _refill(self) -> float:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._refilled) * self.rate)
        self._refilled = now
        return now

    def may_update(self, channel: str) -> bool:
        """A progress edit in `channel` now? Only with half the budget left for final answers."""
        now = self._refill()
        if now < self._paused_until or self._tokens < self.burst / 2 + 1:
            return False
        if now - self._channel_last.get(channel, float("-inf")) < self.channel_gap:
            return False
        self._tokens -= 1
        self._channel_last[channel] = now
        if len(self._channel_last) > 1000:  # forget quiet channels
            self._channel_last = {c: t for c, t in self._channel_last.items() if now - t < self.channel_gap}
        return True

    async def before_final(self, channel: str) -> None:
        """Wait out Retry-After and an empty budget (at most FINAL_WAIT_LIMIT), then spend one call."""
        deadline = self._clock() + FINAL_WAIT_LIMIT
        while True:
            now = self._refill()
            wait = max(self._paused_until - now, (1 - self._tokens) / self.rate if self._tokens < 1 else 0.0)
            if wait <= 0 or now >= deadline:
                break
            await asyncio.sleep(min(wait, deadline - now))
        self._tokens -= 1
        self._channel_last[channel] = self._clock()

    def pause(self, seconds: float) -> None:
        """Slack said 429 with Retry-After: no edit from any answer before then."""
        self._paused_until = max(self._paused_until, self._clock() + max(seconds, 1.0))


def retry_after(headers: object) -> float:
    """Retry-After of a 429 in seconds (Slack sends whole seconds); 1 when absent or unreadable."""
    value = None
    if hasattr(headers, "get"):
        value = headers.get("Retry-After") or headers.get("retry-after")
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return max(1.0, float(value)) if value is not None else 1.0
    except ValueError:
        return 1.0

"""Retrying calls to the Bot Connector when Teams throttles (429) or fails (5xx).

Teams throttles bots per conversation and per app; Microsoft's guidance is exponential backoff that
honours `Retry-After`. Other errors (4xx) are not retried: they will not get better by waiting.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from bot.net.retry import WaitRetryAfter

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4  # the first try plus three retries
    base_seconds: float = 0.5
    max_seconds: float = 8.0  # one wait never exceeds this, whatever Retry-After says

    def delay(self, attempt: int, retry_after: float | None, jitter: float) -> float:
        """Seconds to wait before retry number `attempt` (1-based); `jitter` in [0, 1)."""
        if retry_after is not None and retry_after >= 0:
            return min(retry_after, self.max_seconds)
        backoff = self.base_seconds * (2 ** (attempt - 1))
        return min(backoff * (0.5 + jitter / 2), self.max_seconds)


def status_of(error: BaseException | None) -> int | None:
    """The HTTP status of a failed connector call (msrest's HttpOperationError carries the response)."""
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    return int(status) if isinstance(status, int) else None


def is_transient(status: int | None) -> bool:
    return status is not None and (status == 429 or status >= 500)


async def with_retry(
    call: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    *,
    what: str,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    rand: Callable[[], float] = random.random,
) -> T:
    """Run `call`, retrying transient connector failures; the last failure is raised."""

    def log_retry(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome is not None else None
        wait = state.next_action.sleep if state.next_action is not None else 0.0
        log.warning(
            "Teams connector %s answered %s; retry %d in %.2fs", what, status_of(error), state.attempt_number, wait
        )

    retrying = AsyncRetrying(
        stop=stop_after_attempt(policy.attempts),
        retry=retry_if_exception(lambda error: is_transient(status_of(error))),
        wait=WaitRetryAfter(lambda attempt, retry_after: policy.delay(attempt, retry_after, rand())),
        sleep=sleep,
        before_sleep=log_retry,
        reraise=True,
    )

    async def attempt() -> T:  # `call` may be a lambda returning a coroutine: tenacity must see a coroutine function
        return await call()

    return await retrying(attempt)

"""Waits between retries of a remote call, for tenacity: the server's `Retry-After` when it sent one
(capped, so a huge value cannot stall a request), otherwise our own jittered backoff.

One place for both retry loops (the Teams Bot Connector and the model providers), so they read
Retry-After the same way.
"""

from __future__ import annotations

from collections.abc import Callable

from tenacity import RetryCallState


def retry_after_of(error: BaseException | None) -> float | None:
    """Seconds the server asked us to wait: an error's own `retry_after`, or the `Retry-After` header of
    the HTTP response it carries. None when absent or an HTTP date (then our backoff applies)."""
    if error is None:
        return None
    value = getattr(error, "retry_after", None)
    if value is None:
        headers = getattr(getattr(error, "response", None), "headers", None) or {}
        value = headers.get("Retry-After") if hasattr(headers, "get") else None
    try:
        seconds = float(value) if value is not None else None
    except (TypeError, ValueError):
        return None
    return seconds if seconds is not None and seconds >= 0 else None


class WaitRetryAfter:
    """A tenacity wait: `delay(attempt, retry_after)` with the 1-based number of the attempt that just
    failed and the Retry-After its error carried (None when the server sent none); `delay` caps it."""

    def __init__(self, delay: Callable[[int, float | None], float]):
        self._delay = delay

    def __call__(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome is not None else None
        return self._delay(state.attempt_number, retry_after_of(error))

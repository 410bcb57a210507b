"""Model aliases → an ordered list of (provider, model): bounded retries with backoff and jitter on
transient errors, then failover to the next pair; a clear message when every pair has failed."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass

from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt

from bot.gateway.errors import AllProvidersFailed, ProviderError
from bot.gateway.providers.base import ModelProvider
from bot.gateway.stream import ReplyStream, estimate_tokens
from bot.gateway.types import GatewayCall, StreamEvent
from bot.i18n import ko_en
from bot.net.retry import WaitRetryAfter

log = logging.getLogger(__name__)
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Target:
    provider: ModelProvider
    model: str


BACKOFF_CAP_SECONDS = 4.0  # also the most a provider's Retry-After can make one call wait


def backoff_delay(attempt: int, rng: random.Random, base: float = 0.25, cap: float = BACKOFF_CAP_SECONDS) -> float:
    """Full-jitter exponential backoff (`attempt` 0-based): spreads retries from many processes apart."""
    return rng.uniform(0, min(cap, base * (2**attempt)))


class ModelRouter:
    """The gateway's terminal step: turns a call into a ReplyStream from the first target that answers."""

    def __init__(
        self,
        aliases: dict[str, Sequence[Target]],
        fallback_alias: str = "default",
        *,
        support_contact: str = "",
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ):
        self._aliases = {alias: tuple(targets) for alias, targets in aliases.items()}
        self._fallback_alias = fallback_alias
        self._contact = support_contact
        self._sleep = sleep
        self._rng = rng or random.Random()

    @property
    def aliases(self) -> list[str]:
        return list(self._aliases)

    def targets(self, alias: str) -> tuple[Target, ...]:
        return self._aliases.get(alias) or self._aliases.get(self._fallback_alias, ())

    @property
    def offline(self) -> bool:
        """True when every alias ends at the offline engine (no generative model connected)."""
        return all(t.provider.id == "offline" for targets in self._aliases.values() for t in targets)

    async def __call__(self, call: GatewayCall) -> ReplyStream:
        failures: list[ProviderError] = []
        for target in self.targets(call.request.model):
            try:
                events = await self._open(target, call, failures)
            except ProviderError:
                continue  # retries used up, or not worth retrying: fail over to the next target
            prompt_estimate = sum(estimate_tokens(m.content) for m in call.request.messages)
            return ReplyStream(call, _guard(events, self._contact), prompt_estimate)
        if failures and all(_malformed(f) for f in failures):
            raise AllProvidersFailed(*ko_en("upstream_malformed", contact=self._contact), failures)
        raise AllProvidersFailed(*ko_en("all_providers_failed", contact=self._contact), failures)

    def _delay(self, failed_attempt: int, retry_after: float | None) -> float:
        """The provider's Retry-After, capped like our backoff; otherwise full-jitter backoff."""
        if retry_after is not None:
            return min(retry_after, BACKOFF_CAP_SECONDS)
        return backoff_delay(failed_attempt - 1, self._rng)

    async def _open(
        self, target: Target, call: GatewayCall, failures: list[ProviderError]
    ) -> AsyncIterator[StreamEvent]:
        """One target, retried on transient errors; every failed attempt is recorded in `failures`."""
        attempt = 0

        async def once() -> AsyncIterator[StreamEvent]:
            nonlocal attempt
            attempt += 1
            try:
                return await target.provider.open(target.model, call)
            except ProviderError as error:
                failures.append(error)
                call.provider_failures.append((error.provider, _reason_kind(error)))
                log.warning("provider attempt failed: %s (attempt %d)", error, attempt)
                raise

        retrying = AsyncRetrying(
            stop=stop_after_attempt(target.provider.max_retries + 1),
            retry=retry_if_exception(lambda error: isinstance(error, ProviderError) and error.retryable),
            wait=WaitRetryAfter(self._delay),
            sleep=self._sleep,
            reraise=True,
        )
        return await retrying(once)


async def _guard(events: AsyncIterator[StreamEvent], contact: str) -> AsyncIterator[StreamEvent]:
    """Turn a failure in the middle of a stream into the same clear error as a failed call."""
    try:
        async for event in events:
            yield event
    except ProviderError as error:
        if _malformed(error):
            raise AllProvidersFailed(*ko_en("upstream_malformed", contact=contact), [error]) from error
        raise AllProvidersFailed(*ko_en("gateway_stream_broken"), [error]) from error
    finally:  # closed early by the reader: free the upstream connection now, not at garbage collection
        aclose = getattr(events, "aclose", None)
        if aclose is not None:
            await aclose()


def _malformed(error: ProviderError) -> bool:
    """The provider answered, but not in the format it promised (broken JSON)."""
    return error.reason.startswith("malformed response")


def _reason_kind(error: ProviderError) -> str:
    """A bounded label for metrics: the HTTP status class, or what kind of failure it was."""
    if error.status is not None:
        return f"http_{error.status // 100}xx" if error.status != 429 else "http_429"
    return "malformed" if _malformed(error) else "connection"

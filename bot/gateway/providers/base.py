"""A model provider: opens a call and yields text deltas then one Finished event."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol

from bot.gateway.types import GatewayCall, StreamEvent


class ModelProvider(Protocol):
    id: str
    max_retries: int

    async def open(self, model: str, call: GatewayCall) -> AsyncIterator[StreamEvent]:
        """Start the call. Errors before the first byte raise ProviderError here, so the router can fail over."""

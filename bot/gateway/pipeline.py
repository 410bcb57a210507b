"""The gateway: a chain of small stages around one provider call.

A stage receives the call and `next`; it may change the call, refuse it (raise a GatewayError), or
wrap the returned ReplyStream with filters and hooks. Adding a policy adds a stage; the core below
never changes.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Protocol

from bot.gateway.stream import ReplyStream
from bot.gateway.types import ChatMessage, Completion, Embeddings, GatewayCall, GatewayRequest

Next = Callable[[GatewayCall], Awaitable[ReplyStream]]


class Stage(Protocol):
    name: str

    async def __call__(self, call: GatewayCall, next: Next) -> ReplyStream: ...


class Gateway:
    def __init__(self, stages: Sequence[Stage], terminal: Next):
        self.stages = tuple(stages)
        self._entry = self._compose(terminal)

    def _compose(self, terminal: Next) -> Next:
        handler = terminal
        for stage in reversed(self.stages):
            handler = _bind(stage, handler)
        return handler

    @asynccontextmanager
    async def stream(self, request: GatewayRequest) -> AsyncIterator[OpenStream]:
        """Open a streamed call: iterate the yielded stream for text; its hooks run even if you stop early."""
        call = GatewayCall(request=request, stream=True)
        reply = await self._entry(call)
        iterator = reply.__aiter__()
        owned = OpenStream(reply, iterator)
        try:
            yield owned
        finally:
            await iterator.aclose()

    async def complete(self, request: GatewayRequest) -> Completion:
        """One whole answer."""
        call = GatewayCall(request=request, stream=False)
        reply = await self._entry(call)
        async for _ in reply:
            pass
        assert reply.completion is not None
        return reply.completion

    async def embed(self, request: GatewayRequest, inputs: Sequence[str]) -> Embeddings:
        """Vectors for `inputs` through the same stages as chat (PII masked in each input, words policy,
        quota, usage, audit): `request` says who pays and which alias; its messages are replaced by the inputs."""
        request.messages = [ChatMessage("user", text) for text in inputs]
        request.max_output_tokens = 0  # an embedding has no output tokens: the quota reserves the inputs only
        call = GatewayCall(request=request, kind="embeddings")
        reply = await self._entry(call)
        async for _ in reply:
            pass
        completion = reply.completion
        assert completion is not None
        if call.vectors is None or len(call.vectors) != len(inputs):
            raise ValueError("the provider returned no vector for some inputs")
        return Embeddings(call.vectors, completion.usage, completion.provider, completion.model, call.call_id)


def _bind(stage: Stage, inner: Next) -> Next:
    async def handler(call: GatewayCall) -> ReplyStream:
        return await stage(call, inner)

    return handler


class OpenStream:
    """The stream as handed to a caller: one iterator, so an early exit closes it (and runs its hooks)."""

    def __init__(self, reply: ReplyStream, iterator: AsyncGenerator[str, None]):
        self._reply = reply
        self._iterator = iterator

    def __aiter__(self) -> AsyncIterator[str]:
        return self._iterator

    @property
    def completion(self) -> Completion | None:
        return self._reply.completion

    @property
    def call(self) -> GatewayCall:
        return self._reply.call

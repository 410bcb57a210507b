"""A model reply while it arrives.

Every call is a stream; a non-streamed call is a stream of one piece. Stages wrap the stream on its
way out: text filters transform the text (restore placeholders, check words) and hooks run when it
ends (settle quota, record usage, audit), so streamed and non-streamed replies obey the same policies.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import Protocol

from bot.gateway.types import Completion, Finished, GatewayCall, StreamEvent, TextDelta, ToolCall, ToolCalls, Usage

DoneHook = Callable[[Completion], Awaitable[None]]
# Applied to every tool call the model makes, in the order added (restore placeholders, check words): the same
# policies as text, on the arguments.
CallFilter = Callable[[ToolCall], ToolCall]
FailHook = Callable[[BaseException], Awaitable[None]]


class TextFilter(Protocol):
    """Transforms text that arrives in pieces; may hold back a tail until it can decide (`flush`)."""

    def feed(self, text: str) -> str: ...

    def flush(self) -> str: ...


def whole(make: Callable[[], TextFilter]) -> CallFilter:
    """A text filter applied to a tool call's whole arguments (a fresh filter for each call)."""

    def apply(tool_call: ToolCall) -> ToolCall:
        text_filter = make()
        return replace(tool_call, arguments=text_filter.feed(tool_call.arguments) + text_filter.flush())

    return apply


def estimate_tokens(text: str) -> int:
    """A provider-independent token estimate for reservations and offline usage.

    Hangul syllables cost about one token each in current BPE vocabularies; other text about a
    quarter token per character. Over-estimating slightly is the safe side for budgets.
    """
    hangul = sum(1 for ch in text if "\uac00" <= ch <= "\ud7a3")
    return hangul + (len(text) - hangul + 3) // 4


class ReplyStream:
    """Iterate it once to receive the text; `completion` is set when it has ended well."""

    def __init__(self, call: GatewayCall, events: AsyncIterator[StreamEvent], prompt_tokens_estimate: int):
        self.call = call
        self._events = events
        self._prompt_estimate = prompt_tokens_estimate
        self._filters: list[TextFilter] = []
        self._call_filters: list[CallFilter] = []
        self.tool_calls: tuple[ToolCall, ...] = ()
        self._on_done: list[DoneHook] = []
        self._on_fail: list[FailHook] = []
        self._started = time.perf_counter()
        self.completion: Completion | None = None

    def add_filter(self, text_filter: TextFilter) -> None:
        self._filters.append(text_filter)

    def add_call_filter(self, call_filter: CallFilter) -> None:
        self._call_filters.append(call_filter)

    def _through_call_filters(self, call: ToolCall) -> ToolCall:
        # outermost stage last, as text filters: a stage's filter sees what the stages inside it made of the call
        for call_filter in self._call_filters:
            call = call_filter(call)
        return call

    def on_done(self, hook: DoneHook) -> None:
        self._on_done.append(hook)

    def on_fail(self, hook: FailHook) -> None:
        self._on_fail.append(hook)

    def _through_filters(self, text: str, *, final: bool) -> str:
        for text_filter in self._filters:
            text = text_filter.feed(text)
            if final:
                text += text_filter.flush()
        return text

    async def __aiter__(self) -> AsyncGenerator[str, None]:
        pieces: list[str] = []
        finished: Finished | None = None
        try:
            async for event in self._events:
                if isinstance(event, TextDelta):
                    out = self._through_filters(event.text, final=False)
                elif isinstance(event, ToolCalls):
                    self.tool_calls += tuple(self._through_call_filters(c) for c in event.calls)
                    continue
                else:
                    finished = event
                    continue
                if out:
                    pieces.append(out)
                    yield out
            tail = self._through_filters("", final=True)
            if tail:
                pieces.append(tail)
                yield tail
        except GeneratorExit:
            # The reader stopped early (page closed, client dropped the connection): the model has
            # produced it and the upstream bills it, so what was delivered is billed here too.
            await _close(self._events)
            await self._finish(pieces, finished, interrupted=True)
            raise
        except BaseException as error:
            for hook in self._on_fail:
                await hook(error)
            raise
        # A stream that ends without the provider's finish reason was cut off upstream (a proxy timed
        # out, the server restarted): the text is a fragment, however cleanly the connection closed.
        cut_off = self.call.stream and (finished is None or finished.finish_reason is None)
        await self._finish(pieces, finished, interrupted=cut_off)

    async def _finish(self, pieces: list[str], finished: Finished | None, *, interrupted: bool) -> None:
        text = "".join(pieces)
        if finished is None:
            finished = Finished(None, "unknown", "unknown", None)
        usage = finished.usage or Usage(self._prompt_estimate, estimate_tokens(text), estimated=True)
        self.completion = Completion(
            text=text,
            usage=usage,
            provider=finished.provider,
            model=finished.model,
            latency_ms=(time.perf_counter() - self._started) * 1000,
            finish_reason=None if interrupted else finished.finish_reason,
            call_id=self.call.call_id,
            interrupted=interrupted,
            tool_calls=() if interrupted else self.tool_calls,
        )
        for hook in self._on_done:
            await hook(self.completion)


async def _close(events: AsyncIterator[StreamEvent]) -> None:
    """Close the provider's stream at once (frees the upstream connection) instead of at garbage collection."""
    aclose = getattr(events, "aclose", None)
    if aclose is not None:
        await aclose()

"""The gateway core without HTTP: stage order, filters and hooks, retries and failover."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator

import pytest

from bot.gateway.errors import AllProvidersFailed, ProviderError, QuotaExceeded
from bot.gateway.pipeline import Gateway
from bot.gateway.providers.router import ModelRouter, Target, backoff_delay
from bot.gateway.types import ChatMessage, Finished, GatewayCall, GatewayRequest, StreamEvent, TextDelta, Usage


class ScriptedProvider:
    def __init__(self, provider_id: str, outcomes: list, max_retries: int = 2):
        self.id, self.max_retries, self.outcomes, self.calls = provider_id, max_retries, list(outcomes), 0

    async def open(self, model: str, call: GatewayCall) -> AsyncIterator[StreamEvent]:
        self.calls += 1
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, ProviderError):
            raise outcome
        return self._events(outcome, model)

    async def _events(self, text: str, model: str) -> AsyncIterator[StreamEvent]:
        for piece in text.split("|"):
            yield TextDelta(piece)
        yield Finished(Usage(3, 4), self.id, model, "stop")


def request() -> GatewayRequest:
    return GatewayRequest("traffic", "kim.minsu", [ChatMessage("user", "질문")])


def router(*targets: Target, sleeps: list | None = None) -> ModelRouter:
    async def sleep(seconds: float) -> None:
        (sleeps if sleeps is not None else []).append(seconds)

    return ModelRouter({"default": targets}, sleep=sleep, rng=random.Random(7))


def error(provider: str, retryable: bool) -> ProviderError:
    return ProviderError(provider, "m", "boom", retryable=retryable)


async def test_retries_with_backoff_then_fails_over():
    sleeps: list[float] = []
    first = ScriptedProvider("a", [error("a", True), error("a", True), error("a", True)])
    second = ScriptedProvider("b", ["예비|답변"])
    completion = await Gateway([], router(Target(first, "m1"), Target(second, "m2"), sleeps=sleeps)).complete(request())
    assert (first.calls, second.calls) == (3, 1)
    assert len(sleeps) == 2 and all(0 <= s <= 4 for s in sleeps)
    assert (completion.text, completion.provider, completion.model) == ("예비답변", "b", "m2")


async def test_all_failing_raises_with_every_attempt():
    only = ScriptedProvider("a", [error("a", False)])
    with pytest.raises(AllProvidersFailed) as raised:
        await Gateway([], router(Target(only, "m"))).complete(request())
    assert len(raised.value.attempts) == 1 and "AI 모델" in raised.value.message("ko")


def test_backoff_is_bounded_and_grows():
    rng = random.Random(1)
    assert all(0 <= backoff_delay(n, rng) <= min(4.0, 0.25 * 2**n) for n in range(10) for _ in range(20))
    # Growth: the largest of many jittered delays approaches each attempt's ceiling, which doubles up to the cap.
    largest = [max(backoff_delay(n, rng) for _ in range(400)) for n in range(6)]
    assert all(later > earlier for earlier, later in zip(largest[:4], largest[1:5]))
    assert largest[5] > 3.5 and largest[0] < 0.25


class Upper:
    def feed(self, text: str) -> str:
        return text.upper()

    def flush(self) -> str:
        return "!"


class Recorder:
    """A stage that records its order, adds a filter and end hooks, or refuses."""

    def __init__(self, name: str, log: list, refuse: bool = False):
        self.name, self.log, self.refuse = name, log, refuse

    async def __call__(self, call, next):
        self.log.append(f"{self.name}:in")
        if self.refuse:
            raise QuotaExceeded("한도 초과", "over quota")
        reply = await next(call)
        reply.add_filter(Upper())

        async def done(completion):
            self.log.append(f"{self.name}:done:{completion.text}")

        async def failed(error):
            self.log.append(f"{self.name}:fail:{type(error).__name__}")

        reply.on_done(done)
        reply.on_fail(failed)
        return reply


async def test_stages_wrap_in_order_and_hooks_see_filtered_text():
    log: list[str] = []
    provider = ScriptedProvider("a", ["ab|cd"])
    gateway = Gateway([Recorder("outer", log), Recorder("inner", log)], router(Target(provider, "m")))
    pieces = []
    async with gateway.stream(request()) as reply:
        async for piece in reply:
            pieces.append(piece)
    assert pieces == ["AB", "CD", "!!"]
    assert reply.completion.text == "ABCD!!"
    assert log == ["outer:in", "inner:in", "inner:done:ABCD!!", "outer:done:ABCD!!"]


async def test_a_refusing_stage_stops_before_the_provider():
    log: list[str] = []
    provider = ScriptedProvider("a", ["x"])
    gateway = Gateway([Recorder("quota", log, refuse=True)], router(Target(provider, "m")))
    with pytest.raises(QuotaExceeded):
        await gateway.complete(request())
    assert provider.calls == 0


async def test_stopping_a_stream_early_settles_what_was_delivered():
    # The reader left after the first piece (page closed): the model produced it, so it is billed, and
    # the completion says it is not a whole answer.
    log: list[str] = []
    provider = ScriptedProvider("a", ["a|b|c"])
    gateway = Gateway([Recorder("quota", log)], router(Target(provider, "m")))
    async with gateway.stream(request()) as reply:
        async for _ in reply:
            break
    assert log[-1] == "quota:done:A"
    assert reply.completion is not None and reply.completion.interrupted and reply.completion.finish_reason is None


async def test_a_stream_without_a_finish_reason_is_interrupted():
    class CutProvider(ScriptedProvider):
        async def _events(self, text, model):
            yield TextDelta(text)
            yield Finished(None, self.id, model, None)  # [DONE] came, the finish reason never did

    gateway = Gateway([], router(Target(CutProvider("a", ["견인 절차는"]), "m")))
    async with gateway.stream(request()) as reply:
        text = "".join([piece async for piece in reply])
    assert text == "견인 절차는" and reply.completion.interrupted
    assert reply.completion.usage.estimated and reply.completion.usage.completion_tokens > 0
    whole = await Gateway([], router(Target(ScriptedProvider("a", ["a|b"]), "m"))).complete(request())
    assert not whole.interrupted and whole.finish_reason == "stop"


async def test_a_providers_retry_after_is_honoured_and_capped():
    sleeps: list[float] = []
    asked = [ProviderError("a", "m", "HTTP 429", retryable=True, retry_after=r) for r in (2.0, 600.0)]
    only = ScriptedProvider("a", [*asked, "답변"])
    completion = await Gateway([], router(Target(only, "m"), sleeps=sleeps)).complete(request())
    assert completion.text == "답변" and only.calls == 3
    assert sleeps == [2.0, 4.0]  # as asked, then capped at the backoff ceiling


async def test_an_embeddings_call_fails_over_from_the_offline_engine_and_returns_one_vector_per_input():
    from bot.offline.engine import OfflineEngine

    class Embedding:
        id, max_retries = "up", 0

        async def open(self, model: str, call: GatewayCall) -> AsyncIterator[StreamEvent]:
            assert call.kind == "embeddings" and call.request.max_output_tokens == 0
            call.vectors = [[float(len(m.content)), 1.0] for m in call.request.messages]
            return self._done(model)

        async def _done(self, model: str) -> AsyncIterator[StreamEvent]:
            yield Finished(Usage(5, 0), self.id, model, "stop")

    offline_only = Gateway([], router(Target(OfflineEngine(), "offline")))
    with pytest.raises(AllProvidersFailed):  # no vectors offline: the knowledge search stays lexical
        await offline_only.embed(request(), ["정당 현수막"])
    both = Gateway([], router(Target(OfflineEngine(), "offline"), Target(Embedding(), "e")))
    answer = await both.embed(request(), ["정당", "현수막 게시"])
    assert answer.vectors == [[2.0, 1.0], [6.0, 1.0]] and answer.usage.total_tokens == 5 and answer.provider == "up"

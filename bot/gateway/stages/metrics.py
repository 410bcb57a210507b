"""Counts every gateway call for Prometheus (bot/metrics.py): the outermost stage, so refusals by any other
stage, failures and answered calls are all seen once."""

from __future__ import annotations

import time

from bot.gateway.errors import GatewayError
from bot.gateway.pipeline import Next
from bot.gateway.stream import ReplyStream
from bot.gateway.types import Completion, GatewayCall
from bot.metrics import GatewayMetrics


class CountCalls:
    name = "metrics"

    def __init__(self, metrics: GatewayMetrics):
        self._metrics = metrics

    async def __call__(self, call: GatewayCall, next: Next) -> ReplyStream:
        started = time.perf_counter()
        try:
            reply = await next(call)
        except GatewayError as error:
            self._ended(call, started, error.decision)
            self._metrics.refusals.labels(call.request.department_id, error.code).inc()
            raise
        except Exception:
            self._ended(call, started, "failed")
            raise

        async def done(completion: Completion) -> None:
            department = call.request.department_id
            self._ended(call, started, "interrupted" if completion.interrupted else call.decision)
            usage = completion.usage
            self._metrics.tokens.labels(department, call.request.model, "prompt").inc(usage.prompt_tokens)
            self._metrics.tokens.labels(department, call.request.model, "completion").inc(usage.completion_tokens)
            if call.provider_failures:
                self._metrics.failovers.labels(department).inc()

        async def failed(error: BaseException) -> None:
            self._ended(call, started, error.decision if isinstance(error, GatewayError) else "failed")

        reply.on_done(done)
        reply.on_fail(failed)
        return reply

    def _ended(self, call: GatewayCall, started: float, decision: str) -> None:
        metrics, department = self._metrics, call.request.department_id
        metrics.calls.labels(department, call.request.purpose, decision).inc()
        metrics.latency.labels(decision).observe(time.perf_counter() - started)
        for kind, count in call.findings.items():
            metrics.findings.labels(department, kind).inc(count)
        for provider, reason in call.provider_failures:
            metrics.provider_failures.labels(provider, reason).inc()

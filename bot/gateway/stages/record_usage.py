"""Records the tokens of every answered call against its department (failed calls cost nothing),
in the call's closing transaction when there is one (see ledger.py)."""

from __future__ import annotations

from bot.gateway.pipeline import Next
from bot.gateway.stages.ledger import CallLedger
from bot.gateway.stream import ReplyStream
from bot.gateway.types import Completion, GatewayCall
from bot.store.group_commit import Batched
from bot.store.repositories import UsageRepository


class RecordUsage:
    name = "record_usage"

    def __init__(self, usage: UsageRepository):
        self._usage = usage

    async def __call__(self, call: GatewayCall, next: Next) -> ReplyStream:
        reply = await next(call)

        async def record(completion: Completion) -> None:
            if completion.usage.total_tokens == 0:  # nothing produced (offline "cannot write"): no usage
                return
            ledger = CallLedger.of(call)
            if ledger is None:
                await self._usage.record(call.request, completion)
            else:
                ledger.add(Batched(self._usage.record_many, (call.request, completion)))  # one insert per batch

        reply.on_done(record)
        return reply

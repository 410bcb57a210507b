"""Reserve before the call (prompt estimate + max output), settle the real usage after, and release
everything when the call fails: a failed call costs nothing. The settlement joins the call's closing
transaction when there is one (see ledger.py).

The reservation is held in the name of this process and call (see bot/quota/sweeper.py): if the
process dies mid-call, another govbot process gives it back once it expires and audits the call as
`interrupted`. The usage settled here was already clamped by the bound_usage stage."""

from __future__ import annotations

from bot.gateway.errors import QuotaExceeded
from bot.gateway.pipeline import Next
from bot.gateway.stages.ledger import CallLedger
from bot.gateway.stream import ReplyStream, estimate_tokens
from bot.gateway.types import Completion, GatewayCall
from bot.quota.estimate import OutputEstimates, estimate_key
from bot.quota.service import QuotaService, Reservation
from bot.store.group_commit import Batched


class EnforceQuota:
    name = "quota"

    def __init__(self, quota: QuotaService, estimates: OutputEstimates | None = None):
        self._quota = quota
        self._estimates = estimates or OutputEstimates()

    async def _reserve(self, call: GatewayCall) -> Reservation:
        """The prompt estimate plus the full max_tokens; when that no longer fits, plus the output estimate
        from recent answers, with the call's max_tokens lowered to it (see bot/quota/estimate.py)."""
        request = call.request
        prompt = sum(estimate_tokens(m.content) for m in request.messages)
        try:
            return await self._quota.reserve(
                request, prompt + request.max_output_tokens, call_id=call.call_id, findings=call.findings
            )
        except QuotaExceeded:
            key = estimate_key(request.assistant_id, request.model)
            smaller = self._estimates.output_tokens(key, request.max_output_tokens)
            if smaller >= request.max_output_tokens or call.kind != "chat":
                raise
            reservation = await self._quota.reserve(
                request, prompt + smaller, call_id=call.call_id, findings=call.findings
            )
            request.max_output_tokens = smaller
            return reservation

    async def __call__(self, call: GatewayCall, next: Next) -> ReplyStream:
        request = call.request
        reservation = await self._reserve(call)
        try:
            reply = await next(call)
        except BaseException:
            await self._quota.release(reservation)
            raise

        async def settle(completion: Completion) -> None:
            if call.kind == "chat" and not completion.usage.estimated:
                key = estimate_key(request.assistant_id, request.model)
                self._estimates.observe(key, completion.usage.completion_tokens)
            if completion.usage.total_tokens == 0:  # nothing produced (offline "cannot write"): costs nothing
                await self._quota.release(reservation)
                return
            ledger = CallLedger.of(call)
            if ledger is None:
                await self._quota.settle(reservation, completion.usage.total_tokens)
                return
            ledger.add(  # settled with the batch's other calls; the group commit locks their counters (lock_keys) first
                Batched(self._quota.settle_many, (reservation, completion.usage.total_tokens)),
                undo=lambda: self._quota.release(reservation),
                lock_keys=reservation.counters,
            )

        async def release(error: BaseException) -> None:
            await self._quota.release(reservation)

        reply.on_done(settle)
        reply.on_fail(release)
        return reply

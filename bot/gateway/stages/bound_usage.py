"""Innermost stage: an answered call's usage is clamped to what the call could have used before any
other stage bills, records or audits it (see bot/quota/usage_bounds.py for the bounds).

Its done-hook is registered first (innermost stage), and it replaces `reply.completion`, which the
later hooks (usage record, quota settlement, audit) and the HTTP reply read. A clamped report is noted
as the finding `usage_clamped` in the call's audit record and in a warning log with numbers only.
"""

from __future__ import annotations

import dataclasses
import logging

from bot.gateway.pipeline import Next
from bot.gateway.stream import ReplyStream
from bot.gateway.types import Completion, GatewayCall
from bot.quota.usage_bounds import bound_usage

log = logging.getLogger(__name__)
FINDING = "usage_clamped"


class BoundUsage:
    name = "bound_usage"

    async def __call__(self, call: GatewayCall, next: Next) -> ReplyStream:
        reply = await next(call)

        async def clamp(completion: Completion) -> None:
            bounded = bound_usage(completion.usage, call.request.messages, call.request.max_output_tokens)
            if not bounded.clamped:
                return
            reported = completion.usage
            log.warning(
                "upstream usage out of bounds, clamped: call=%s provider=%s model=%s "
                "prompt=%d->%d completion=%d->%d max_tokens=%d",
                call.call_id,
                completion.provider,
                completion.model,
                reported.prompt_tokens,
                bounded.usage.prompt_tokens,
                reported.completion_tokens,
                bounded.usage.completion_tokens,
                call.request.max_output_tokens,
            )
            call.findings[FINDING] += 1
            reply.completion = dataclasses.replace(completion, usage=bounded.usage)

        reply.on_done(clamp)
        return reply

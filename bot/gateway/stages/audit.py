"""The outermost stage: one audit record per gateway call, whatever its outcome.

Findings are stored as types and counts; message content only when the office set
retention.store_content (and then the masked prompt, never raw personal information). For an
answered call, the record is written in one transaction with the other stages' closing writes
(quota settlement, usage row): see ledger.py.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from bot.gateway.errors import GatewayError
from bot.gateway.pipeline import Next
from bot.gateway.stages.ledger import CallLedger
from bot.gateway.stream import ReplyStream
from bot.gateway.types import Completion, GatewayCall
from bot.store.audit_repository import AuditRepository

log = logging.getLogger(__name__)


class AuditTrail:
    name = "audit"

    def __init__(self, audit: AuditRepository, store_content: bool = False):
        self._audit = audit
        self._store_content = store_content

    async def __call__(self, call: GatewayCall, next: Next) -> ReplyStream:
        started = time.perf_counter()
        ledger = CallLedger.open(call)
        try:
            reply = await next(call)
        except GatewayError as error:
            await self._record(call, started, None, error.decision, error.code)
            raise
        except Exception:
            await self._record(call, started, None, "failed", "internal_error")
            raise

        async def done(completion: Completion) -> None:
            await self._record(call, started, completion, call.decision, None, ledger)

        async def failed(error: BaseException) -> None:
            if isinstance(error, GatewayError):
                await self._record(call, started, None, error.decision, error.code)
            else:
                await self._record(
                    call,
                    started,
                    None,
                    "failed",
                    "stream_closed" if isinstance(error, GeneratorExit) else "stream_error",
                )

        reply.on_done(done)
        reply.on_fail(failed)
        return reply

    async def _record(
        self,
        call: GatewayCall,
        started: float,
        completion: Completion | None,
        decision: str,
        error_code: str | None,
        ledger: CallLedger | None = None,
    ) -> None:
        request = call.request
        fields: dict[str, Any] = {
            "call_id": call.call_id,
            "user_id": request.user_id,
            "department_id": request.department_id,
            "platform": request.platform,
            "purpose": request.purpose,
            "assistant_id": request.assistant_id,
            "model_alias": request.model,
            "provider": completion.provider if completion else None,
            "model": completion.model if completion else None,
            "prompt_tokens": completion.usage.prompt_tokens if completion else 0,
            "completion_tokens": completion.usage.completion_tokens if completion else 0,
            "latency_ms": (time.perf_counter() - started) * 1000,
            "findings": dict(call.findings),
            "decision": decision,
            "error_code": error_code,
            "content": self._content(call) if self._store_content else None,
        }
        try:
            if ledger is None:
                await self._audit.record(fields)
            else:
                await ledger.commit(self._audit, fields)
        except Exception:  # an unaudited call is not allowed: the error propagates, and is loud in the logs
            log.exception("audit append failed for call %s", call.call_id)
            raise

    @staticmethod
    def _content(call: GatewayCall) -> str:
        # call.request.messages were already masked by the input policies (they run inside this stage).
        return next((m.content for m in reversed(call.request.messages) if m.role == "user"), "")

"""Gives back the quota of calls whose process died mid-call, and audits those calls as `interrupted`.

Every `govbot serve` process runs one: each round it renews the reservations it holds itself (so a
slow call in a living process keeps its share) and sweeps the expired ones of any process. Several
sweepers at once are safe on SQLite and PostgreSQL: the repository's DELETE decides which one gives a
reservation back, and the audit record is written in that same transaction.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.quota.service import QuotaService
from bot.store.audit_repository import AuditRepository
from bot.store.quota_repository import Swept

log = logging.getLogger(__name__)
ERROR_CODE = "process_stopped"


def interrupted_record(swept: Swept, now: datetime) -> dict[str, object]:
    """The audit fields of a call that reached the model but whose process stopped before it ended:
    nothing was billed, so no tokens; metadata only, like every audit record without store_content."""
    holder = swept.holder
    return {
        "call_id": holder.call_id,
        "user_id": holder.user_id,
        "department_id": holder.department_id,
        "platform": holder.platform,
        "purpose": holder.purpose,
        "assistant_id": holder.assistant_id,
        "model_alias": holder.model_alias,
        "provider": None,
        "model": None,
        "prompt_tokens": 0,
        "completion_tokens": 0,
        "latency_ms": max(0.0, (now - swept.created_at).total_seconds() * 1000),
        "findings": holder.findings,
        "decision": "interrupted",
        "error_code": ERROR_CODE,
        "content": None,
    }


class ReservationSweeper:
    def __init__(self, quota: QuotaService, audit: AuditRepository, interval_seconds: float):
        self._quota = quota
        self._audit = audit
        # Renew at least three times per lease, so a living owner's reservation never expires.
        self.interval = min(interval_seconds, quota.lease.total_seconds() / 3)

    async def _audit_swept(self, swept: Swept, connection: AsyncConnection) -> None:
        await self._audit.append(interrupted_record(swept, datetime.now(UTC)), connection)

    async def run_once(self) -> list[Swept]:
        await self._quota.renew_own()
        swept = await self._quota.sweep_expired(self._audit_swept)
        for item in swept:  # numbers and ids only
            log.warning(
                "gave back an expired quota reservation: call=%s department=%s tokens=%d owner=%s",
                item.holder.call_id,
                item.holder.department_id,
                item.tokens,
                item.holder.owner,
            )
        return swept

    async def run(self) -> None:
        """Until cancelled; a failed round (database briefly away) is logged and retried next round."""
        while True:
            try:
                await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("quota reservation sweep failed; retrying in %.0f s", self.interval)
            await asyncio.sleep(self.interval)

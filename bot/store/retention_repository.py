"""Enforcing `retention.metadata_days`: removing metadata older than the office keeps it, without breaking the audit
chain.

What goes: usage records, feedback, conversation metadata (and any stored message of them), quota counters and
80% warnings of periods that ended before the cut-off, and audit records. The audit chain is cut at a prefix: the
last removed record becomes the chain's signed base (AuditRepository.prune), so `govbot audit verify` checks from
it, and the purge itself is the next audit record (who, the cut-off, what was removed, the new base). A chain
that does not verify is never cut (the evidence would go with it): the other metadata is still purged and the
report says why the audit records were kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.audit.admin import AdminChange, admin_record
from bot.audit.chain import Problem
from bot.store.audit_repository import AuditRepository
from bot.store.models import Conversation, ConversationMessage, Feedback, QuotaAlert, QuotaCounter, UsageRecord

TABLES = ("usage", "feedback", "conversations", "messages", "quota_counters", "quota_alerts", "audit")


@dataclass(frozen=True, slots=True)
class PurgeReport:
    cutoff: datetime
    counts: dict[str, int]  # table (TABLES) → rows removed (or, in a dry run, that would be)
    dry_run: bool
    audit_kept: list[Problem] = field(default_factory=list)  # why the audit records were not cut
    base: int = 0  # the record the chain now starts after


def cutoff_for(now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)


def _old_periods(cutoff: datetime, zone: ZoneInfo, column):
    """Quota periods (bot/quota/limits.py keys, office time) that ended before the cut-off."""
    local = cutoff.astimezone(zone)
    return or_(
        and_(column.like("minute:%"), column < f"minute:{local:%Y-%m-%dT%H:%M}"),
        and_(column.like("day:%"), column < f"day:{local:%Y-%m-%d}"),
        and_(column.like("month:%"), column < f"month:{local:%Y-%m}"),
    )


class RetentionRepository:
    def __init__(self, engine: AsyncEngine, audit: AuditRepository):
        self._engine = engine
        self._audit = audit

    def _filters(self, cutoff: datetime, zone: ZoneInfo):
        old_conversations = select(Conversation.id).where(Conversation.updated_at < cutoff)
        return {
            "usage": (UsageRecord, UsageRecord.created_at < cutoff),
            "feedback": (Feedback, Feedback.created_at < cutoff),
            # a stored message goes with its conversation, and on its own once it is older than the cut-off
            "messages": (
                ConversationMessage,
                or_(
                    ConversationMessage.created_at < cutoff,
                    ConversationMessage.conversation_id.in_(old_conversations),
                ),
            ),
            "conversations": (Conversation, Conversation.updated_at < cutoff),
            "quota_counters": (
                QuotaCounter,
                and_(_old_periods(cutoff, zone, QuotaCounter.period), QuotaCounter.reserved_tokens == 0),
            ),
            "quota_alerts": (QuotaAlert, _old_periods(cutoff, zone, QuotaAlert.period)),
        }

    async def count(self, cutoff: datetime, zone: ZoneInfo) -> dict[str, int]:
        """What a purge with this cut-off would remove (the dry run)."""
        counts: dict[str, int] = {}
        async with self._engine.connect() as connection:
            for name, (model, where) in self._filters(cutoff, zone).items():
                query = select(func.count()).select_from(model).where(where)
                counts[name] = int(await connection.scalar(query) or 0)
        counts["audit"] = await self._audit.count_before(cutoff)
        return {name: counts[name] for name in TABLES}

    async def purge(
        self, cutoff: datetime, zone: ZoneInfo, *, by: str, platform: str, now: datetime, days: int
    ) -> PurgeReport:
        """Remove metadata older than `cutoff` in one transaction that ends with the purge's own audit record. With
        nothing to remove, nothing is written (no transaction, no record)."""
        expected = await self.count(cutoff, zone)
        if not any(expected.values()):
            return PurgeReport(cutoff, expected, False, [], (await self._audit.base()).records)
        _, problems = await self._audit.verify()
        async with self._engine.begin() as connection:
            counts = await self._delete(connection, cutoff, zone)
            removed, base = (0, None) if problems else await self._audit.prune(cutoff, connection, now)
            counts["audit"] = removed
            change = AdminChange("purge", by, "", {"retention": "metadata_days", "days": days}, platform)
            before = {"cutoff": cutoff.isoformat(timespec="seconds"), "removed": dict(counts)}
            after = {"base": base.records if base else None, "audit_kept": [p.kind for p in problems[:5]]}
            await self._audit.append(admin_record(change, before, after, now), connection)
        return PurgeReport(cutoff, {n: counts[n] for n in TABLES}, False, problems, base.records if base else 0)

    async def _delete(self, connection: AsyncConnection, cutoff: datetime, zone: ZoneInfo) -> dict[str, int]:
        counts: dict[str, int] = {}
        for name, (model, where) in self._filters(cutoff, zone).items():
            result = await connection.execute(delete(model).where(where))
            counts[name] = int(result.rowcount or 0)
        return counts

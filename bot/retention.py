"""`retention.metadata_days` enforced: `govbot db purge` and a daily run inside every `govbot serve`.

The work is in bot/store/retention_repository.py (one transaction, the audit chain cut at a signed base, the purge
itself audited); this module decides when, with which cut-off, and says what happened in Korean and English.
Several serve processes purging at once is safe: the purge holds the audit head's lock, so the second one finds
nothing left to cut.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from bot.config import AppConfig
from bot.store import Store
from bot.store.retention_repository import PurgeReport, cutoff_for

log = logging.getLogger(__name__)

LABELS = {
    "usage": ("사용량 기록", "usage records"),
    "feedback": ("피드백", "feedback"),
    "conversations": ("대화 메타데이터", "conversation metadata"),
    "messages": ("저장된 대화 내용", "stored messages"),
    "quota_counters": ("지난 기간 한도 집계", "quota counters of past periods"),
    "quota_alerts": ("지난 기간 80% 경고", "80% warnings of past periods"),
    "audit": ("감사 기록", "audit records"),
}


async def purge_metadata(
    config: AppConfig, store: Store, *, by: str, platform: str, dry_run: bool = False, now: datetime | None = None
) -> PurgeReport:
    """Remove (or with `dry_run`, count) metadata older than the office's `retention.metadata_days`."""
    now = now or datetime.now(UTC)
    days = config.retention.metadata_days
    cutoff = cutoff_for(now, days)
    if dry_run:
        return PurgeReport(cutoff, await store.retention.count(cutoff, config.zone), True)
    return await store.retention.purge(cutoff, config.zone, by=by, platform=platform, now=now, days=days)


def report_lines(report: PurgeReport, days: int) -> list[tuple[str, str]]:
    """(Korean, English) lines saying what was (or would be) removed."""
    when = f"{report.cutoff:%Y-%m-%d %H:%M} UTC"
    if report.dry_run:
        head = (
            f"미리 보기: {days}일({when}) 이전 메타데이터 중 지울 항목입니다. 아무것도 지우지 않았습니다.",
            f"Dry run: metadata older than {days} days ({when}) that a purge would remove. Nothing was removed.",
        )
    else:
        head = (
            f"{days}일({when}) 이전 메타데이터를 지웠습니다.",
            f"Removed metadata older than {days} days ({when}).",
        )
    lines = [head]
    lines += [(f"  {LABELS[n][0]}: {count:,}건", f"  {LABELS[n][1]}: {count:,}") for n, count in report.counts.items()]
    if report.audit_kept:
        first = report.audit_kept[0]
        lines.append(
            (
                f"감사 기록은 지우지 않았습니다: 체인 검사에서 문제가 나왔습니다(기록 {first.seq}번, {first.kind}). "
                "`govbot audit verify`로 확인하세요. 증거를 지우지 않도록 문제가 풀릴 때까지 감사 기록은 남습니다.",
                f"Audit records were kept: the chain does not verify (record {first.seq}, {first.kind}); run "
                "`govbot audit verify`. They stay until the problem is resolved, so no evidence is removed.",
            )
        )
    elif not report.dry_run and report.base:
        lines.append(
            (
                f"감사 체인은 이제 서명된 시작점(기록 {report.base}번) 다음부터 검사됩니다. 정리 자체도 감사 기록에 남았습니다.",
                f"The audit chain is now verified from its signed base (record {report.base}); the purge itself "
                "was recorded in the audit trail.",
            )
        )
    return lines


START_DELAY_SECONDS = 60.0


class DailyPurge:
    """Runs the purge a minute after start (not while the server is still starting, and not at all in a process
    that lives only seconds) and then every `interval_seconds`; a failed round is logged and tried again next
    round."""

    def __init__(self, config: AppConfig, store: Store, interval_seconds: float):
        self._config = config
        self._store = store
        self.interval = interval_seconds

    async def run_once(self) -> PurgeReport:
        report = await purge_metadata(self._config, self._store, by="govbot", platform="serve")
        removed = ", ".join(f"{name}={count}" for name, count in report.counts.items())  # counts only
        log.info("retention purge (metadata_days=%d): %s", self._config.retention.metadata_days, removed)
        if report.audit_kept:
            log.warning(
                "retention purge kept the audit records: the chain does not verify (%s)", report.audit_kept[0].kind
            )
        return report

    async def run(self) -> None:
        await asyncio.sleep(min(self.interval, START_DELAY_SECONDS))
        while True:
            try:
                await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("retention purge failed; retrying in %.0f s", self.interval)
            await asyncio.sleep(self.interval)  # first round done: the next one a full interval later

"""`retention.metadata_days` (365 in the shipped app.yaml) enforced on SQLite and PostgreSQL: a purge removes usage,
feedback, conversation metadata, old quota counters and audit records older than that; the audit chain then starts
from a signed base and still verifies, and tampering after the purge (an edited or deleted record, a moved or
removed base) is named. The purge itself is an audit record. Through `govbot db purge` and the daily run in serve.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, update

from bot.audit.admin import AdminChange, admin_record
from bot.retention import purge_metadata
from bot.store import Store
from bot.store.models import AuditBase, AuditRecord, Conversation, Feedback, QuotaCounter, UsageRecord
from tests.conftest import offline_config
from tests.integration.test_audit import cli

NOW = datetime.now(UTC)
OLD = NOW - timedelta(days=400)  # beyond 365 days
RECENT = NOW - timedelta(days=30)


def usage(call_id: str, when: datetime) -> UsageRecord:
    return UsageRecord(
        call_id=call_id,
        created_at=when,
        department_id="traffic",
        user_id="kim.minsu",
        platform="web",
        purpose="chat",
        assistant_id=None,
        assistant_version=None,
        model_alias="default",
        provider="fake0",
        model="m",
        prompt_tokens=10,
        completion_tokens=5,
        estimated=False,
        latency_ms=1.0,
    )


async def fill(store: Store) -> None:
    """Two old and one recent row of each kind; five audit records of which three are old."""
    async with store.sessions.begin() as session:
        session.add_all([usage("old1", OLD), usage("old2", OLD), usage("new1", RECENT)])
        for answer, when in (("a1", OLD), ("a2", OLD), ("a3", RECENT)):
            session.add(Feedback(answer_id=answer, user_id="kim.minsu", platform="web", value="up", created_at=when))
        for key, when in (("k1", OLD), ("k2", RECENT)):
            session.add(
                Conversation(
                    key_hash=key,
                    platform="web",
                    user_id="kim.minsu",
                    department_id="traffic",
                    turns=1,
                    created_at=when,
                    updated_at=when,
                )
            )
        old_day = f"day:{OLD:%Y-%m-%d}"
        session.add(QuotaCounter(scope="dept", subject="traffic", period=old_day, used_tokens=5, requests=1))
        session.add(QuotaCounter(scope="dept", subject="traffic", period=f"day:{NOW:%Y-%m-%d}", used_tokens=5))
    for i, when in enumerate((OLD, OLD, OLD, RECENT, RECENT)):
        change = AdminChange("quota_set", "park.jiyoung", "traffic", {"limit": "tokens_per_day"}, "cli")
        await store.audit.append(admin_record(change, {"value": i}, {"value": i + 1}, when))


async def rows(store: Store, model) -> int:
    async with store.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_purge_removes_old_metadata_and_the_chain_verifies_from_its_base(database):
    url, schema = database
    config = offline_config()
    store = await Store.open(url, schema=schema, migrate=True)
    try:
        await fill(store)
        before_checkpoint, _, _ = await store.audit.checkpoint()  # kept outside the database before the purge
        preview = await purge_metadata(config, store, by="han.sujin", platform="cli", dry_run=True)
        still = await rows(store, UsageRecord)
        done = await purge_metadata(config, store, by="han.sujin", platform="cli")
        checked, problems = await store.audit.verify()
        _, against_old = await store.audit.verify(before_checkpoint)
        left = {m.__tablename__: await rows(store, m) for m in (UsageRecord, Feedback, Conversation, QuotaCounter)}
        async with store.sessions() as session:
            audit = (await session.scalars(select(AuditRecord).order_by(AuditRecord.seq))).all()
        again = await purge_metadata(config, store, by="han.sujin", platform="cli")
    finally:
        await store.close()
    expected = {"usage": 2, "feedback": 2, "conversations": 1, "quota_counters": 1, "audit": 3}
    assert {k: preview.counts[k] for k in expected} == expected and preview.dry_run and still == 3
    assert {k: done.counts[k] for k in expected} == expected and done.base == 3
    assert left == {"usage_records": 1, "feedback": 1, "conversations": 1, "quota_counters": 1}
    assert [r.seq for r in audit] == [4, 5, 6]  # the two recent records and the purge's own
    purge = audit[-1]
    assert purge.decision == "purge" and purge.user_id == "han.sujin" and purge.purpose == "admin"
    detail = json.loads(purge.content)
    assert detail["before"]["removed"]["usage"] == 2 and detail["after"]["base"] == 3
    assert problems == [] and checked == 3
    assert before_checkpoint is not None and against_old == []  # an older checkpoint is consistent with the base
    assert not any(again.counts.values())  # nothing older is left; nothing more is written


async def test_tampering_after_a_purge_is_named(database):
    url, schema = database
    config = offline_config()
    store = await Store.open(url, schema=schema, migrate=True)
    found = {}
    try:
        await fill(store)
        await purge_metadata(config, store, by="han.sujin", platform="cli")
        async with store.sessions.begin() as session:
            await session.execute(update(AuditRecord).where(AuditRecord.seq == 4).values(user_id="someone.else"))
        found["edited"] = (await store.audit.verify())[1]
        async with store.sessions.begin() as session:
            await session.execute(update(AuditRecord).where(AuditRecord.seq == 4).values(user_id="park.jiyoung"))
            await session.execute(update(AuditBase).values(seq=4))  # move the base forward without the key
        found["moved_base"] = (await store.audit.verify())[1]
        async with store.sessions.begin() as session:
            await session.execute(update(AuditBase).values(seq=3))
        found["restored"] = (await store.audit.verify())[1]
        async with store.sessions.begin() as session:
            await session.execute(delete(AuditBase))
        found["no_base"] = (await store.audit.verify())[1]
        refused = await purge_metadata(
            config, store, by="han.sujin", platform="cli", now=NOW + timedelta(days=366)
        )  # everything is old now, but the chain is broken: audit records are kept
        async with store.sessions() as session:
            kept = await session.scalar(
                select(func.count()).select_from(AuditRecord).where(AuditRecord.decision != "purge")
            )
    finally:
        await store.close()
    assert [p.kind for p in found["edited"]] == ["edited"] and found["edited"][0].seq == 4
    assert "base_forged" in [p.kind for p in found["moved_base"]]
    assert found["restored"] == []
    assert [(p.kind, p.seq) for p in found["no_base"]][:1] == [("missing", 1)]  # records 1-3 are simply gone
    assert refused.audit_kept and refused.counts["audit"] == 0 and kept == 2


async def test_db_purge_command_previews_then_purges_in_korean_and_english(start_govbot):
    async with start_govbot(offline=True) as gb:
        await fill(gb.runtime.store)
        preview = await cli(gb, "db", "purge", "--dry-run")
        kept = await rows(gb.runtime.store, UsageRecord)
        purged = await cli(gb, "db", "purge", "--by", "han.sujin")
        verified = await cli(gb, "audit", "verify")
        left = await rows(gb.runtime.store, UsageRecord)
    assert preview.exit_code == 0, preview.output
    assert "미리 보기" in preview.output and "Dry run" in preview.output and "사용량 기록: 2건" in preview.output
    assert kept == 3
    assert purged.exit_code == 0, purged.output
    assert "365일" in purged.output and "older than 365 days" in purged.output and "감사 기록: 3건" in purged.output
    assert "기록 3번" in purged.output
    assert verified.exit_code == 0 and "3건 모두 온전합니다" in verified.output, verified.output
    assert left == 1


async def test_serve_purges_on_its_own(start_govbot):
    # purge_interval_hours is 24 by default; here a round every ~2 s so the test need not wait a day.
    async with start_govbot(offline=True, purge_interval_hours=0.0005) as gb:
        await fill(gb.runtime.store)
        for _ in range(100):  # at most ~20 s
            if await rows(gb.runtime.store, UsageRecord) == 1:
                break
            await asyncio.sleep(0.2)
        left = await rows(gb.runtime.store, UsageRecord)
        _, problems = await gb.runtime.store.audit.verify()
        async with gb.runtime.store.sessions() as session:
            purges = (await session.scalars(select(AuditRecord).where(AuditRecord.decision == "purge"))).all()
    assert left == 1 and problems == []
    assert len(purges) == 1 and purges[0].user_id == "govbot" and purges[0].platform == "serve"

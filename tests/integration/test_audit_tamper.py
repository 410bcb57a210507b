"""Security regression (outside attack test, item 4): the audit chain could be truncated or rewritten unnoticed.

The attacker has plain SQL access to the database but not the audit key (GOVBOT_AUDIT_KEY). Records are
written by real chat requests to a running govbot; the attacker then tampers with SQL exactly as in the
report, and the admin runs the real `govbot audit verify` (with and without a checkpoint file kept outside
the database). Before the fix, every attack below verified as "intact" (exit 0) on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from pathlib import Path

from sqlalchemy import DateTime, column, insert, select, table, text
from typer.testing import CliRunner

from bot.audit.chain import HASHED_FIELDS, canonical_time
from bot.cli import app
from bot.store.db import make_engine, upgrade
from bot.store.models import AuditRecord
from tests.conftest import APP_YAML
from tests.integration.webchat import send

AUDIT_KEY = "시험용-감사-키-" + "7f3a9c" * 8
WRONG_KEY = "공격자가-추측한-키-" + "0b1d" * 10
GENESIS = "0" * 64
runner = CliRunner()
# audit_log as revision 0003 wrote it (no key_id column yet)
LEGACY_LOG = table(
    "audit_log",
    *(column(name, DateTime(timezone=True)) if name == "created_at" else column(name) for name in HASHED_FIELDS),
    column("prev_hash"),
    column("hash"),
)


async def cli(gb, schema: str | None, *args: str):
    env = {
        "GOVBOT_DATABASE_URL": gb.settings.database_url,
        "GOVBOT_DATABASE_SCHEMA": schema,
        "GOVBOT_CONFIG": str(APP_YAML),
        "GOVBOT_AUDIT_KEY": AUDIT_KEY,
    }
    return await asyncio.to_thread(runner.invoke, app, list(args), env=env)


async def serve_with_records(start_govbot, database, count: int):  # type: ignore[no-untyped-def]
    url, schema = database
    gb = start_govbot(env={"GOVBOT_AUDIT_KEY": AUDIT_KEY}, database_url=url, schema=schema)
    running = await gb.__aenter__()
    for i in range(count):
        result = await send(running.url, f"{i + 1}번째 질문: 주민등록등본 발급 절차를 알려 주세요")
        assert result.status == 200
    return gb, running


async def sql(gb, statement: str, **params) -> None:  # type: ignore[no-untyped-def]
    async with gb.runtime.store.engine.begin() as connection:
        await connection.execute(text(statement), params)


async def stored(gb) -> list[AuditRecord]:  # type: ignore[no-untyped-def]
    async with gb.runtime.store.sessions() as session:
        return list((await session.scalars(select(AuditRecord).order_by(AuditRecord.seq))).all())


def attacker_hash(record: AuditRecord, prev: str, key: bytes | None) -> str:
    """The published record format, hashed the way the attacker can: plain SHA-256 or HMAC under a guessed key."""
    payload = {name: getattr(record, name) for name in HASHED_FIELDS}
    payload["created_at"] = canonical_time(payload["created_at"])
    data = (prev + "\n" + json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))).encode()
    return hmac.new(key, data, hashlib.sha256).hexdigest() if key else hashlib.sha256(data).hexdigest()


async def edit_and_rehash(gb, seq: int, key: bytes | None, *, drop_key_id: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Edit record `seq`, then recompute it and every later hash and move the head, all in plain SQL."""
    await sql(gb, "UPDATE audit_log SET completion_tokens = 1, department_id = 'welfare' WHERE seq = :seq", seq=seq)
    records = await stored(gb)
    prev = records[seq - 2].hash if seq > 1 else GENESIS
    for record in records[seq - 1 :]:
        digest = attacker_hash(record, prev, key)
        await sql(gb, "UPDATE audit_log SET prev_hash = :p, hash = :h WHERE seq = :s", p=prev, h=digest, s=record.seq)
        if drop_key_id:
            await sql(gb, "UPDATE audit_log SET key_id = NULL WHERE seq = :s", s=record.seq)
        prev = digest
    await sql(gb, "UPDATE audit_head SET hash = :h WHERE id = 1", h=prev)
    if key is not None:  # the attacker also signs the head the way the code does, with the guessed key
        mac = hmac.new(key, f"audit_head\n{len(records)}\n{prev}".encode(), hashlib.sha256).hexdigest()
        await sql(gb, "UPDATE audit_head SET mac = :m WHERE id = 1", m=mac)


async def take_checkpoint(gb, schema, path: Path):  # type: ignore[no-untyped-def]
    made = await cli(gb, schema, "audit", "checkpoint", "--out", str(path))
    assert made.exit_code == 0, made.output
    assert "확인점을 저장했습니다" in made.output
    return json.loads(path.read_text(encoding="utf-8"))


async def test_an_untouched_chain_verifies_with_and_without_its_checkpoint(start_govbot, database, tmp_path):
    url, schema = database
    gb, running = await serve_with_records(start_govbot, database, 3)
    try:
        saved = await take_checkpoint(running, schema, tmp_path / "cp.json")
        for i in range(2):  # the chain keeps growing after the checkpoint
            await send(running.url, f"추가 질문 {i}")
        plain = await cli(running, schema, "audit", "verify")
        against = await cli(running, schema, "audit", "verify", "--against", str(tmp_path / "cp.json"))
        records = await stored(running)
    finally:
        await gb.__aexit__(None, None, None)
    assert saved["records"] == 3 and saved["format"] == "govbot-audit-checkpoint/1" and len(saved["signature"]) == 64
    assert AUDIT_KEY not in (tmp_path / "cp.json").read_text(encoding="utf-8")
    assert plain.exit_code == 0 and "5건 모두 온전합니다" in plain.output
    assert against.exit_code == 0 and "확인점" in against.output and "3건" in against.output
    assert all(r.key_id is not None for r in records)
    # keyed: the stored hash is not the plain SHA-256 an attacker could recompute
    assert records[0].hash != attacker_hash(records[0], GENESIS, None)


async def test_deleting_the_last_records_and_resetting_the_head_is_reported(start_govbot, database, tmp_path):
    # Attack: DELETE the last two records, then point audit_head at record 3's seq and hash (plain SQL).
    url, schema = database
    gb, running = await serve_with_records(start_govbot, database, 5)
    try:
        await take_checkpoint(running, schema, tmp_path / "cp.json")
        third = (await stored(running))[2]
        await sql(running, "DELETE FROM audit_log WHERE seq > 3")
        await sql(running, "UPDATE audit_head SET seq = 3, hash = :h WHERE id = 1", h=third.hash)
        plain = await cli(running, schema, "audit", "verify")
        against = await cli(running, schema, "audit", "verify", "--against", str(tmp_path / "cp.json"))
        # A better-informed attacker also clears the head's signature column.
        await sql(running, "UPDATE audit_head SET mac = NULL WHERE id = 1")
        unsigned = await cli(running, schema, "audit", "verify")
    finally:
        await gb.__aexit__(None, None, None)
    assert plain.exit_code == 1 and "head_forged" in plain.output and "체인 머리" in plain.output
    assert (
        against.exit_code == 1 and "truncated" in against.output and "기록이 5건 있었는데 지금은 3건" in against.output
    )
    assert unsigned.exit_code == 1 and "head_forged" in unsigned.output and "서명이 지워졌습니다" in unsigned.output


async def test_wiping_every_record_and_resetting_the_head_is_reported(start_govbot, database, tmp_path):
    # Attack: DELETE FROM audit_log; reset audit_head to seq 0 and the genesis hash (plain SQL).
    url, schema = database
    gb, running = await serve_with_records(start_govbot, database, 4)
    try:
        await take_checkpoint(running, schema, tmp_path / "cp.json")
        await sql(running, "DELETE FROM audit_log")
        await sql(running, "UPDATE audit_head SET seq = 0, hash = :h WHERE id = 1", h=GENESIS)
        plain = await cli(running, schema, "audit", "verify")
        # Clearing the head's signature too makes the database look freshly installed: the checkpoint still tells.
        await sql(running, "UPDATE audit_head SET mac = NULL WHERE id = 1")
        against = await cli(running, schema, "audit", "verify", "--against", str(tmp_path / "cp.json"))
    finally:
        await gb.__aexit__(None, None, None)
    assert plain.exit_code == 1 and "head_forged" in plain.output
    assert against.exit_code == 1 and "truncated" in against.output and "잘려 나갔습니다" in against.output


async def test_an_edit_rehashed_with_plain_sha256_is_reported(start_govbot, database, tmp_path):
    # Attack: change record 2 (department, tokens), recompute it and every later hash with plain SHA-256, move the head.
    url, schema = database
    gb, running = await serve_with_records(start_govbot, database, 5)
    try:
        await take_checkpoint(running, schema, tmp_path / "cp.json")
        call_id = (await stored(running))[1].call_id
        await edit_and_rehash(running, 2, None)
        plain = await cli(running, schema, "audit", "verify")
        against = await cli(running, schema, "audit", "verify", "--against", str(tmp_path / "cp.json"))
        # The same rewrite marked as pre-key records (key_id NULL), hoping to pass as the old plain chain.
        await edit_and_rehash(running, 2, None, drop_key_id=True)
        downgraded = await cli(running, schema, "audit", "verify")
    finally:
        await gb.__aexit__(None, None, None)
    assert plain.exit_code == 1 and "처음 깨진 곳 / first broken: 기록 2번" in plain.output
    assert "#2 edited" in plain.output and call_id in plain.output and "#1 " not in plain.output
    assert against.exit_code == 1 and "rewritten" in against.output and "#2 edited" in against.output
    assert downgraded.exit_code == 1 and "#2 unkeyed" in downgraded.output and "키 없는 해시" in downgraded.output


async def test_an_edit_rehashed_with_hmac_under_a_wrong_key_is_reported(start_govbot, database, tmp_path):
    # Attack: as above, but recompute record and head signatures with HMAC-SHA256 under a guessed key.
    url, schema = database
    gb, running = await serve_with_records(start_govbot, database, 4)
    try:
        await take_checkpoint(running, schema, tmp_path / "cp.json")
        await edit_and_rehash(running, 3, WRONG_KEY.encode())
        plain = await cli(running, schema, "audit", "verify")
        against = await cli(running, schema, "audit", "verify", "--against", str(tmp_path / "cp.json"))
        refused = await cli(running, schema, "audit", "checkpoint", "--out", str(tmp_path / "laundered.json"))
    finally:
        await gb.__aexit__(None, None, None)
    assert plain.exit_code == 1 and "처음 깨진 곳 / first broken: 기록 3번" in plain.output
    assert "#3 edited" in plain.output and "#4 edited" in plain.output and "head_forged" in plain.output
    assert "#2 " not in plain.output
    assert against.exit_code == 1 and "rewritten" in against.output
    assert refused.exit_code == 1 and not (tmp_path / "laundered.json").exists()  # a tampered chain is never signed


async def test_a_forged_checkpoint_file_is_refused(start_govbot, database, tmp_path):
    # Attack: the attacker lowers the record count in a checkpoint copy so that a truncation would match it.
    url, schema = database
    gb, running = await serve_with_records(start_govbot, database, 3)
    try:
        saved = await take_checkpoint(running, schema, tmp_path / "cp.json")
        forged = tmp_path / "forged.json"
        forged.write_text(json.dumps({**saved, "records": 1, "head_hash": (await stored(running))[0].hash}), "utf-8")
        result = await cli(running, schema, "audit", "verify", "--against", str(forged))
        (tmp_path / "broken.json").write_text("{확인점 아님", encoding="utf-8")
        unreadable = await cli(running, schema, "audit", "verify", "--against", str(tmp_path / "broken.json"))
    finally:
        await gb.__aexit__(None, None, None)
    assert result.exit_code == 1 and "checkpoint_forged" in result.output and "서명이 맞지 않습니다" in result.output
    assert unreadable.exit_code == 2 and "확인점 파일을 쓸 수 없습니다" in unreadable.output


async def test_records_written_before_the_key_are_sealed_by_the_first_keyed_record(start_govbot, database, tmp_path):
    # Records from before the upgrade carry plain SHA-256. Attack: edit one and recompute the old part with SHA-256.
    url, schema = database
    engine = make_engine(url, schema=schema)
    try:
        await upgrade(engine, "0003")
        prev = GENESIS
        async with engine.begin() as connection:
            for seq in (1, 2):
                fields = {
                    "seq": seq,
                    "created_at": canonical_time_value(seq),
                    "call_id": f"legacy{seq}",
                    "user_id": "kim.minsu",
                    "department_id": "traffic",
                    "platform": "web",
                    "purpose": "chat",
                    "assistant_id": None,
                    "model_alias": "default",
                    "provider": "fake0",
                    "model": "fake-model-0",
                    "prompt_tokens": 10,
                    "completion_tokens": 5,
                    "latency_ms": 12.5,
                    "findings": "{}",
                    "decision": "allowed",
                    "error_code": None,
                    "content": None,
                }
                digest = hashlib.sha256(
                    (
                        prev
                        + "\n"
                        + json.dumps(
                            {**fields, "created_at": canonical_time(fields["created_at"])},
                            ensure_ascii=False,
                            sort_keys=True,
                            separators=(",", ":"),
                        )
                    ).encode()
                ).hexdigest()
                await connection.execute(insert(LEGACY_LOG), {**fields, "prev_hash": prev, "hash": digest})
                prev = digest
            await connection.execute(text("UPDATE audit_head SET seq = 2, hash = :h WHERE id = 1"), {"h": prev})
    finally:
        await engine.dispose()
    gb = start_govbot(env={"GOVBOT_AUDIT_KEY": AUDIT_KEY}, database_url=url, schema=schema)
    running = await gb.__aenter__()
    try:
        for i in range(2):
            await send(running.url, f"업그레이드 뒤 질문 {i}")
        upgraded = await cli(running, schema, "audit", "verify")
        records = await stored(running)
        await edit_and_rehash(running, 1, None)  # the whole chain rehashed with plain SHA-256, head moved
        tampered = await cli(running, schema, "audit", "verify")
        # Better informed: mark the keyed records as pre-key ones too and clear the head's signature.
        await sql(running, "UPDATE audit_log SET key_id = NULL")
        await sql(running, "UPDATE audit_head SET mac = NULL WHERE id = 1")
        downgraded = await cli(running, schema, "audit", "verify")
    finally:
        await gb.__aexit__(None, None, None)
    assert tampered.exit_code == 1 and "#3 edited" in tampered.output and "head_forged" in tampered.output
    assert "#1 " not in tampered.output  # the pre-key records themselves were consistently rehashed
    assert downgraded.exit_code == 1 and "not_keyed" in downgraded.output
    assert upgraded.exit_code == 0 and "4건 모두 온전합니다" in upgraded.output
    assert [r.key_id is None for r in records] == [True, True, False, False]


def canonical_time_value(seq: int):  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime(2026, 11, 1, 9, seq, 0, 123456, tzinfo=UTC)

"""Pure parts of the keyed audit chain: record/head HMACs, checkpoints, the audit key's loading and warnings."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from bot.audit.chain import GENESIS, Head, Signer, head_mac, record_hash, verify_chain
from bot.audit.checkpoint import CheckpointInvalid, check_against, make_checkpoint, parse_checkpoint
from bot.audit.keys import AuditKeyInvalid, load_audit_key
from bot.cli import app
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
KEY = ("감사-단위시험-키-" + "5e" * 20).encode()
OTHER = ("다른-키-" + "a1" * 20).encode()
KEY_ID = "k1"
SIGNER, OTHER_SIGNER = Signer(KEY), Signer(OTHER)


def record(seq: int, department: str = "traffic") -> dict:
    return {
        "seq": seq,
        "created_at": datetime(2026, 11, 29, 9, 0, seq, tzinfo=UTC),
        "call_id": f"call{seq}",
        "user_id": "kim.minsu",
        "department_id": department,
        "platform": "web",
        "purpose": "chat",
        "assistant_id": None,
        "model_alias": "default",
        "provider": "fake0",
        "model": "m",
        "prompt_tokens": 3,
        "completion_tokens": 4,
        "latency_ms": 1.5,
        "findings": "{}",
        "decision": "allowed",
        "error_code": None,
        "content": None,
    }


def _text(row: dict) -> bytes:
    payload = {**row, "created_at": row["created_at"].strftime("%Y-%m-%dT%H:%M:%S.%f")}
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def chain(count: int, key: Signer = SIGNER, legacy: int = 0) -> tuple[list[dict], Head]:
    rows, prev = [], GENESIS
    for seq in range(1, count + 1):
        keyed = seq > legacy
        row = {**record(seq), "prev_hash": prev, "key_id": KEY_ID if keyed else None}
        row["hash"] = record_hash(row, prev, key if keyed else None)
        rows.append(row)
        prev = row["hash"]
    return rows, Head(count, prev, head_mac(key, count, prev) if count > legacy else None)


def test_a_keyed_hash_is_not_the_plain_sha256_and_depends_on_the_key():
    row = record(1)
    assert record_hash(row, GENESIS, SIGNER) != record_hash(row, GENESIS, OTHER_SIGNER)
    assert record_hash(row, GENESIS, SIGNER) != record_hash(row, GENESIS, None)
    assert (
        record_hash(row, GENESIS, SIGNER) == hmac.new(KEY, b"0" * 64 + b"\n" + _text(row), hashlib.sha256).hexdigest()
    )
    assert len(record_hash(row, GENESIS, None)) == 64 == len(hashlib.sha256().hexdigest())


def test_an_intact_chain_with_pre_key_records_verifies_and_a_wrong_key_does_not():
    rows, head = chain(5, legacy=2)
    assert verify_chain(rows, head, SIGNER, KEY_ID)[:2] == (5, [])
    _, problems, _ = verify_chain(rows, head, OTHER_SIGNER, KEY_ID)
    assert [p.kind for p in problems] == ["edited", "edited", "edited", "head_forged"]


def test_a_record_signed_under_another_key_id_is_named():
    rows, head = chain(3)
    rows[2]["key_id"] = "someone-else"
    _, problems, _ = verify_chain(rows, head, SIGNER, KEY_ID)
    assert [(p.seq, p.kind) for p in problems] == [(3, "other_key")] and "GOVBOT_AUDIT_KEY" in problems[0].ko


def test_checkpoint_round_trip_and_checks():
    rows, head = chain(4)
    _, _, hashes = verify_chain(rows, head, SIGNER, KEY_ID)
    made = make_checkpoint(3, rows[2]["hash"], datetime(2026, 11, 29, tzinfo=UTC), KEY, KEY_ID)
    parsed = parse_checkpoint(made.to_json())
    assert parsed == made and check_against(parsed, KEY, KEY_ID, hashes) == []
    assert [p.kind for p in check_against(parsed, KEY, KEY_ID, {1: rows[0]["hash"]})] == ["truncated"]
    assert [p.kind for p in check_against(parsed, KEY, KEY_ID, {**hashes, 3: "f" * 64})] == ["rewritten"]
    assert [p.kind for p in check_against(parsed, OTHER, "k2", hashes)] == ["checkpoint_key"]


@given(field=st.sampled_from(["records", "head_hash", "created_at"]), junk=st.text(min_size=1, max_size=8))
def test_changing_any_signed_field_breaks_the_checkpoint_signature(field, junk):
    made = make_checkpoint(3, "a" * 64, datetime(2026, 11, 29, tzinfo=UTC), KEY, KEY_ID)
    data = json.loads(made.to_json())
    data[field] = data[field] + 1 if field == "records" else data[field] + junk
    assert not parse_checkpoint(json.dumps(data)).signature_valid(KEY)


@given(st.text(max_size=300))
def test_the_checkpoint_parser_either_parses_or_says_why(text):
    try:
        parse_checkpoint(text)
    except CheckpointInvalid as error:
        assert error.ko.startswith("확인점 파일을 쓸 수 없습니다")


def test_the_development_key_file_is_made_once_outside_the_database(tmp_path):
    settings = Settings(audit_key=None, audit_key_file=tmp_path / "keys" / "audit.key", _env_file=None)
    first, second = load_audit_key(settings), load_audit_key(settings)
    assert first.generated and not second.generated and first.secret == second.secret
    assert (tmp_path / "keys" / "audit.key").stat().st_mode & 0o077 == 0
    assert "GOVBOT_AUDIT_KEY" in first.warning()[0]  # said loudly at start


def test_a_short_key_is_refused():
    with pytest.raises(AuditKeyInvalid):
        load_audit_key(Settings(audit_key="짧은키", _env_file=None))


def test_check_config_warns_when_no_audit_key_is_set(monkeypatch, tmp_path):
    monkeypatch.delenv("GOVBOT_AUDIT_KEY", raising=False)
    monkeypatch.setenv("GOVBOT_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    unset = CliRunner().invoke(app, ["check-config", str(ROOT / "app.yaml")])
    monkeypatch.setenv("GOVBOT_AUDIT_KEY", "0123456789abcdef" * 4)
    configured = CliRunner().invoke(app, ["check-config", str(ROOT / "app.yaml")])
    monkeypatch.setenv("GOVBOT_AUDIT_KEY", "short")
    short = CliRunner().invoke(app, ["check-config", str(ROOT / "app.yaml")])
    assert unset.exit_code == 0 and "GOVBOT_AUDIT_KEY가 설정되지 않았습니다" in unset.output
    assert not (tmp_path / "audit.key").exists()  # check-config only reports, never creates a key
    assert configured.exit_code == 0 and "GOVBOT_AUDIT_KEY" not in configured.output
    assert short.exit_code == 2 and "너무 짧습니다" in short.output

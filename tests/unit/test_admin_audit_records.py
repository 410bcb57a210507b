"""Pure parts of admin-change records and of a chain that starts after a retention purge."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.audit.admin import AdminChange, admin_record, change_of
from bot.audit.chain import GENESIS, Head, Signer, head_mac, record_hash, verify_chain
from bot.audit.checkpoint import check_against, make_checkpoint

KEY = ("관리-변경-단위시험-키-" + "7c" * 20).encode()
SIGNER = Signer(KEY)


def chain(count: int) -> list[dict]:
    """`count` admin records, chained and signed as AuditRepository.append does."""
    rows, prev = [], GENESIS
    for seq in range(1, count + 1):
        change = AdminChange("quota_set", "park.jiyoung", "traffic", {"limit": "tokens_per_day"}, "cli")
        fields = admin_record(change, {"value": seq}, {"value": seq + 1}, datetime(2026, 11, 30, 9, 0, seq, tzinfo=UTC))
        fields["findings"] = json.dumps(fields["findings"])
        record = {**fields, "seq": seq}
        digest = record_hash(record, prev, SIGNER)
        rows.append({**record, "prev_hash": prev, "hash": digest, "key_id": "k1"})
        prev = digest
    return rows


def head_of(rows: list[dict]) -> Head:
    last = rows[-1]
    return Head(last["seq"], last["hash"], head_mac(SIGNER, last["seq"], last["hash"]))


def test_an_admin_record_says_who_what_before_and_after_and_nothing_else():
    change = AdminChange("role_grant", "park.jiyoung", "traffic", {"user": "kim.minsu"}, "admin")
    fields = admin_record(change, None, "admin")
    assert fields["purpose"] == "admin" and fields["decision"] == "role_grant" and fields["platform"] == "admin"
    assert fields["user_id"] == "park.jiyoung" and fields["prompt_tokens"] == 0 and fields["findings"] == {}
    assert change_of(fields) == {"target": {"user": "kim.minsu"}, "before": None, "after": "admin"}
    assert change_of({"purpose": "chat", "content": None}) is None
    with pytest.raises(ValueError):
        AdminChange("drop_everything", "x", "traffic", {}, "cli")


def test_a_chain_verifies_from_its_base_and_names_a_gap_after_it():
    rows = chain(6)
    base = (3, rows[2]["hash"])
    checked, problems, hashes = verify_chain(rows[3:], head_of(rows), SIGNER, "k1", base)
    assert (checked, problems) == (3, [])
    _, without_base, _ = verify_chain(rows[3:], head_of(rows), SIGNER, "k1")
    assert [(p.kind, p.seq) for p in without_base] == [("missing", 1)]
    _, gap, _ = verify_chain(rows[4:], head_of(rows), SIGNER, "k1", base)
    assert [p.kind for p in gap] == ["missing"]
    _, wrong_base, _ = verify_chain(rows[3:], head_of(rows), SIGNER, "k1", (3, rows[1]["hash"]))
    assert [p.kind for p in wrong_base] == ["chain_broken"]


def test_everything_purged_leaves_the_head_on_the_base():
    rows = chain(2)
    checked, problems, _ = verify_chain([], head_of(rows), SIGNER, "k1", (2, rows[1]["hash"]))
    assert (checked, problems) == (0, [])


def test_a_checkpoint_older_than_the_base_is_consistent_with_it():
    rows = chain(5)
    old = make_checkpoint(2, rows[1]["hash"], datetime(2026, 11, 30, tzinfo=UTC), KEY, "k1")
    hashes = {r["seq"]: r["hash"] for r in rows[3:]} | {3: rows[2]["hash"]}
    assert check_against(old, KEY, "k1", hashes, purged_through=3) == []
    assert [p.kind for p in check_against(old, KEY, "k1", hashes)] == ["truncated"]  # without a purge: truncation

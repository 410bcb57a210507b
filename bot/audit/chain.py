"""Keyed hash chaining of audit records. Pure: the same record always hashes the same way on SQLite and
PostgreSQL, so an edited field, a deleted record or a cut-off tail is detected and named.

Records are HMAC-SHA256 under a key kept outside the database, so someone with only SQL access cannot
recompute the chain after an edit. Records written before the key (key_id NULL) keep plain SHA-256;
the first keyed record links to the last of them and so seals them. The head row carries its own MAC,
so it cannot be moved back to an earlier record either."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64
HASHED_FIELDS = (
    "seq",
    "created_at",
    "call_id",
    "user_id",
    "department_id",
    "platform",
    "purpose",
    "assistant_id",
    "model_alias",
    "provider",
    "model",
    "prompt_tokens",
    "completion_tokens",
    "latency_ms",
    "findings",
    "decision",
    "error_code",
    "content",
)


def canonical_time(value: datetime) -> str:
    """UTC, microseconds, no zone suffix: SQLite returns naive datetimes, PostgreSQL aware ones."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.strftime("%Y-%m-%dT%H:%M:%S.%f")


def _payload(record: Mapping[str, Any]) -> str:
    payload = {name: record[name] for name in HASHED_FIELDS}
    payload["created_at"] = canonical_time(payload["created_at"])
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class Signer:
    """HMAC-SHA256 under one key, with the key schedule done once: per record it costs about two plain
    SHA-256 computations (measured ~10 us vs ~4 us), far below the insert it goes with."""

    __slots__ = ("_base",)

    def __init__(self, key: bytes):
        self._base = hmac.new(key, digestmod=hashlib.sha256)

    def hex(self, data: bytes) -> str:
        mac = self._base.copy()
        mac.update(data)
        return mac.hexdigest()


def record_hash(record: Mapping[str, Any], prev_hash: str, signer: Signer | None) -> str:
    """HMAC-SHA256 with `signer`; plain SHA-256 only to check records written before the key existed."""
    data = (prev_hash + "\n" + _payload(record)).encode("utf-8")
    if signer is None:
        return hashlib.sha256(data).hexdigest()
    return signer.hex(data)


def head_mac(signer: Signer, seq: int, digest: str) -> str:
    """The head row's MAC (its own domain: the input cannot be mistaken for a record's)."""
    return signer.hex(f"audit_head\n{seq}\n{digest}".encode())


@dataclass(frozen=True, slots=True)
class Problem:
    seq: int
    call_id: str
    kind: str  # edited, missing, chain_broken, unkeyed, other_key, tail_removed, head_forged, truncated, ...
    ko: str
    en: str


@dataclass(frozen=True, slots=True)
class Head:
    seq: int
    hash: str
    mac: str | None


def verify_chain(
    records: Iterable[Mapping[str, Any]], head: Head, signer: Signer, key_id: str, after: tuple[int, str] = (0, GENESIS)
) -> tuple[int, list[Problem], dict[int, str]]:
    """(records checked, problems in seq order, hash by seq). Records must come ordered by seq. `after`: the seq and
    hash of the last record a retention purge removed (its signature checked by the caller); the chain goes on
    from it."""
    problems: list[Problem] = []
    hashes: dict[int, str] = {}
    expected_seq, prev = after[0] + 1, after[1]
    checked = 0
    last_hash = after[1]
    keyed_from: int | None = None
    for record in records:
        checked += 1
        seq, call_id = int(record["seq"]), str(record["call_id"])
        hashes[seq] = record["hash"]
        if seq != expected_seq:
            problems.append(
                Problem(
                    expected_seq,
                    "",
                    "missing",
                    f"기록 {expected_seq}~{seq - 1}번이 삭제되었습니다.",
                    f"Records {expected_seq}-{seq - 1} were deleted.",
                )
            )
            prev = record["prev_hash"]  # continue checking from here
        if record["prev_hash"] != prev:
            problems.append(
                Problem(
                    seq,
                    call_id,
                    "chain_broken",
                    f"기록 {seq}번의 앞 기록 연결이 맞지 않습니다 (앞 기록이 바뀌었거나 다시 계산되었습니다).",
                    f"Record {seq} does not link to the record before it (an earlier record was changed or rehashed).",
                )
            )
        record_key_id = record.get("key_id")
        if record_key_id is None and keyed_from is not None:
            problems.append(
                Problem(
                    seq,
                    call_id,
                    "unkeyed",
                    f"기록 {seq}번(call {call_id})은 키 없는 해시로 다시 계산되었습니다 "
                    f"(기록 {keyed_from}번부터는 모두 키로 서명됩니다).",
                    f"Record {seq} (call {call_id}) was rehashed without the key "
                    f"(every record from {keyed_from} on is signed with it).",
                )
            )
        elif record_key_id is not None and record_key_id != key_id:
            keyed_from = keyed_from or seq
            problems.append(
                Problem(
                    seq,
                    call_id,
                    "other_key",
                    f"기록 {seq}번(call {call_id})은 다른 키({record_key_id})로 서명되었습니다. 설정된 키는 "
                    f"{key_id}입니다: GOVBOT_AUDIT_KEY가 맞는지 확인하세요. 맞다면 위조된 기록입니다.",
                    f"Record {seq} (call {call_id}) is signed with another key ({record_key_id}), not the configured "
                    f"{key_id}: check GOVBOT_AUDIT_KEY; if it is right, the record is forged.",
                )
            )
        else:
            if record_key_id is not None:
                keyed_from = keyed_from or seq
            actual = record_hash(record, record["prev_hash"], signer if record_key_id is not None else None)
            if not hmac.compare_digest(actual, record["hash"]):
                problems.append(
                    Problem(
                        seq,
                        call_id,
                        "edited",
                        f"기록 {seq}번(call {call_id})이 수정되었습니다.",
                        f"Record {seq} (call {call_id}) was edited.",
                    )
                )
        prev, last_hash, expected_seq = record["hash"], record["hash"], seq + 1
    if head.seq != expected_seq - 1 or (head.seq and head.hash != last_hash):
        problems.append(
            Problem(
                expected_seq,
                "",
                "tail_removed",
                f"마지막 기록 {expected_seq - 1}번 이후 {head.seq}번까지의 기록이 사라졌습니다.",
                f"Records after {expected_seq - 1} up to {head.seq} are gone.",
            )
        )
    if checked and keyed_from is None:
        problems.append(
            Problem(
                1,
                "",
                "not_keyed",
                f"기록 {checked}건 모두 키 없는 해시입니다: 키 도입 전 기록만 있고 그 뒤 호출이 없었거나, 체인 전체가 "
                "키 없이 다시 계산되었습니다. 호출을 한 번 한 뒤(첫 서명 기록) 다시 검사하고, 확인점으로도 검사하세요.",
                f"All {checked} records carry unkeyed hashes: either no call since the key was introduced, or the "
                "whole chain was rehashed without it. Make one call (the first signed record), verify again, and "
                "verify against a checkpoint.",
            )
        )
    if head.mac is None and keyed_from is not None:
        problems.append(_head_problem(head, "서명이 지워졌습니다", "lost its signature"))
    elif head.mac is not None and not hmac.compare_digest(head.mac, head_mac(signer, head.seq, head.hash)):
        problems.append(_head_problem(head, "서명이 맞지 않습니다", "has a wrong signature"))
    problems.sort(key=lambda problem: problem.seq)
    return checked, problems, hashes


def _head_problem(head: Head, ko: str, en: str) -> Problem:
    return Problem(
        head.seq,
        "",
        "head_forged",
        f"체인 머리(audit_head: 기록 {head.seq}번)의 {ko}: 뒤쪽 기록을 지우고 머리를 되돌렸거나 다른 키로 바꾼 흔적입니다.",
        f"The chain head (audit_head at record {head.seq}) {en}: records were cut off and the head moved back, "
        "or the chain was re-signed with another key.",
    )

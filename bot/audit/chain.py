"""Hash chaining of audit records. Pure: the same record always hashes the same way on SQLite and
PostgreSQL, so an edited field, a deleted record or a cut-off tail is detected and named."""

from __future__ import annotations

import hashlib
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


def record_hash(record: Mapping[str, Any], prev_hash: str) -> str:
    payload = {name: record[name] for name in HASHED_FIELDS}
    payload["created_at"] = canonical_time(payload["created_at"])
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + "\n" + text).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Problem:
    seq: int
    call_id: str
    kind: str  # edited, missing, chain_broken, tail_removed
    ko: str
    en: str


def verify_chain(records: Iterable[Mapping[str, Any]], head_seq: int, head_hash: str) -> tuple[int, list[Problem]]:
    """(records checked, problems). Records must come ordered by seq."""
    problems: list[Problem] = []
    expected_seq, prev = 1, GENESIS
    checked = 0
    last_hash = GENESIS
    for record in records:
        checked += 1
        seq, call_id = int(record["seq"]), str(record["call_id"])
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
                    f"기록 {seq}번의 앞 기록 연결이 맞지 않습니다.",
                    f"Record {seq} does not link to the record before it.",
                )
            )
        actual = record_hash(record, record["prev_hash"])
        if actual != record["hash"]:
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
    if head_seq != expected_seq - 1 or (head_seq and head_hash != last_hash):
        problems.append(
            Problem(
                expected_seq,
                "",
                "tail_removed",
                f"마지막 기록 {expected_seq - 1}번 이후 {head_seq}번까지의 기록이 사라졌습니다.",
                f"Records after {expected_seq - 1} up to {head_seq} are gone.",
            )
        )
    return checked, problems

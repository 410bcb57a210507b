"""Signed checkpoints of the audit chain, kept by the admin outside the database. Pure.

The database alone cannot prove it was not rolled back to an earlier state (someone who saved an
old head row can put it back). A checkpoint - record count and head hash, HMAC-signed, with a time -
can: later, the chain must still hold at least that many records and that exact record at that seq.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime

from bot.audit.chain import Problem

FORMAT = "govbot-audit-checkpoint/1"
_LABEL = b"govbot-audit-checkpoint\n"


class CheckpointInvalid(Exception):
    def __init__(self, ko: str, en: str):
        super().__init__(en)
        self.ko, self.en = ko, en


@dataclass(frozen=True, slots=True)
class Checkpoint:
    format: str
    records: int  # = the head's seq: records are numbered 1..records without gaps
    head_hash: str
    created_at: str  # ISO 8601, UTC
    key_id: str
    signature: str = ""

    def _signed_text(self) -> bytes:
        fields = {k: v for k, v in asdict(self).items() if k != "signature"}
        return _LABEL + json.dumps(fields, sort_keys=True, separators=(",", ":")).encode("utf-8")

    def signed(self, key: bytes) -> Checkpoint:
        return Checkpoint(**{**asdict(self), "signature": hmac.digest(key, self._signed_text(), "sha256").hex()})

    def signature_valid(self, key: bytes) -> bool:
        expected = hmac.digest(key, self._signed_text(), "sha256").hex()
        return hmac.compare_digest(expected, self.signature)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2) + "\n"


def make_checkpoint(records: int, head_hash: str, created_at: datetime, key: bytes, key_id: str) -> Checkpoint:
    return Checkpoint(FORMAT, records, head_hash, created_at.isoformat(timespec="seconds"), key_id).signed(key)


def parse_checkpoint(text: str) -> Checkpoint:
    """A checkpoint from its JSON file; its signature is checked separately (it needs the key)."""
    try:
        data = json.loads(text)
    except ValueError:
        raise _invalid("JSON이 아닙니다", "it is not JSON") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _invalid(f"형식이 {FORMAT}이 아닙니다", f"its format is not {FORMAT}")
    try:
        checkpoint = Checkpoint(
            FORMAT,
            int(data["records"]),
            str(data["head_hash"]),
            str(data["created_at"]),
            str(data["key_id"]),
            str(data["signature"]),
        )
    except (KeyError, TypeError, ValueError):
        raise _invalid("필요한 항목이 빠졌습니다", "a field is missing") from None
    if checkpoint.records < 0:
        raise _invalid("기록 수가 음수입니다", "its record count is negative")
    return checkpoint


def check_against(
    checkpoint: Checkpoint, key: bytes, key_id: str, hashes: Mapping[int, str], purged_through: int = 0
) -> list[Problem]:
    """Problems of the chain (`hashes`: hash by seq) against a checkpoint taken earlier. Records up to
    `purged_through` were removed by a retention purge whose own signed checkpoint the chain starts from: an
    older checkpoint is then consistent with it (the purge's checkpoint's hash is in `hashes`)."""
    when = checkpoint.created_at
    if not checkpoint.signature_valid(key):
        if checkpoint.key_id != key_id:
            return [
                Problem(
                    0,
                    "",
                    "checkpoint_key",
                    f"확인점({when})은 다른 키({checkpoint.key_id})로 서명되었습니다. 지금 키는 {key_id}입니다: "
                    "GOVBOT_AUDIT_KEY를 확인하세요.",
                    f"The checkpoint ({when}) was signed with another key ({checkpoint.key_id}), not {key_id}: "
                    "check GOVBOT_AUDIT_KEY.",
                )
            ]
        return [
            Problem(
                0,
                "",
                "checkpoint_forged",
                f"확인점({when})의 서명이 맞지 않습니다: 파일이 바뀌었습니다. 보관해 둔 원본으로 다시 검사하세요.",
                f"The checkpoint ({when}) has a wrong signature: the file was changed. Verify against the kept original.",
            )
        ]
    count, seq = len(hashes), checkpoint.records
    if seq == 0 or seq < purged_through:
        return []
    if seq not in hashes:
        return [
            Problem(
                seq,
                "",
                "truncated",
                f"확인점({when})에는 기록이 {seq}건 있었는데 지금은 {count}건이고 기록 {seq}번이 없습니다: "
                "기록이 잘려 나갔습니다.",
                f"The checkpoint ({when}) had {seq} records; now there are {count} and record {seq} is gone: "
                "the chain was truncated.",
            )
        ]
    if not hmac.compare_digest(hashes[seq], checkpoint.head_hash):
        return [
            Problem(
                seq,
                "",
                "rewritten",
                f"기록 {seq}번이 확인점({when})의 해시와 다릅니다: 그때까지의 기록이 다시 쓰였습니다.",
                f"Record {seq} no longer matches the checkpoint ({when}): records up to it were rewritten.",
            )
        ]
    return []


def _invalid(ko: str, en: str) -> CheckpointInvalid:
    return CheckpointInvalid(f"확인점 파일을 쓸 수 없습니다: {ko}.", f"Cannot use the checkpoint file: {en}.")

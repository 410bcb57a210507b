"""Audit records of admin changes (quotas, roles, API keys, retention purges). Pure.

An admin change goes into the same signed hash chain as the gateway's calls, so editing or deleting it is
detected the same way. The record reuses the call record's fields: `user_id` is who changed it, `purpose` is
"admin", `decision` names the action and `platform` the surface it came from (a messenger, "cli" or "admin" for
the console). What changed, and its value before and after, is a JSON object in `content`: settings and ids only,
never anything an official wrote in a conversation.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

PURPOSE = "admin"
ACTIONS = (
    "quota_set",  # a limit overridden (department-wide or per-user limits), or set back to unlimited
    "quota_grant",  # extra for this period
    "quota_reset",  # every override of the department removed (back to app.yaml)
    "role_grant",
    "role_revoke",
    "key_create",
    "key_revoke",
    "purge",  # retention: old metadata removed (counts, cut-off, the checkpoint the chain now starts from)
    "assistant_off",  # a department assistant disabled / enabled by an admin (for the console's switch)
    "assistant_on",
)  # each fits the record's `decision` column (16 characters)


class AuditAppender(Protocol):
    """What writes a record into the chain (bot/store/audit_repository.AuditRepository)."""

    async def append(self, fields: dict[str, Any], connection: AsyncConnection | None = None) -> int: ...


@dataclass(frozen=True, slots=True)
class AdminChange:
    """Who did what to which thing, from which surface."""

    action: str
    by: str
    department_id: str
    target: Mapping[str, Any]  # e.g. {"limit": "tokens_per_day"}, {"user": "kim.minsu"}, {"key": "gbk_ab12cd34"}
    platform: str

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(self.action)


def admin_record(change: AdminChange, before: Any, after: Any, now: datetime | None = None) -> dict[str, Any]:
    """The audit fields of one admin change (what AuditRepository.append takes)."""
    detail = {"target": dict(change.target), "before": before, "after": after}
    return {
        "call_id": uuid.uuid4().hex,
        "created_at": now or datetime.now(UTC),
        "user_id": change.by[:128],
        "department_id": change.department_id[:64],
        "platform": change.platform[:16],
        "purpose": PURPOSE,
        "assistant_id": None,
        "model_alias": "",
        "provider": None,
        "model": None,
        "prompt_tokens": 0,
        "completion_tokens": 0,
        "latency_ms": 0.0,
        "findings": {},
        "decision": change.action,
        "error_code": None,
        "content": json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str),
    }


def change_of(record: Mapping[str, Any]) -> dict[str, Any] | None:
    """The target/before/after of an admin record (None for a gateway call's record)."""
    if record.get("purpose") != PURPOSE or not record.get("content"):
        return None
    value = json.loads(record["content"])
    return value if isinstance(value, dict) else None


Recorder = Callable[["AsyncConnection", Any, Any], Awaitable[None]]


def recorder(audit: AuditAppender, change: AdminChange) -> Recorder:
    """A callback a repository calls inside the change's own transaction, with the value before and after, so
    the change and its record commit together (or neither does). It must be the transaction's last write:
    appending takes the chain head's lock."""

    async def record(connection: AsyncConnection, before: Any, after: Any) -> None:
        await audit.append(admin_record(change, before, after), connection)

    return record

"""The audit trail as the console shows it: filters read from a page's query, records as list lines (metadata and
finding counts, never content; user ids only for that department's admins) and what the PII and prohibited-word
policies caught, by type and department. Pure: the store is read by bot/admin/console.py."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, get_args

from bot.admin.period import Period, choose
from bot.gateway.types import Decision

DECISIONS: tuple[str, ...] = get_args(Decision)
FINDING_TYPE = re.compile(r"^[a-z0-9_]{1,64}$")
LIST_LIMIT = 500  # the page shows the newest 500 matches; the CSV has them all
HIDDEN_USER = "•••"


@dataclass(frozen=True, slots=True)
class AuditFilter:
    period: Period
    department: str  # "" for every department in reach
    user: str
    decision: str
    finding: str


WORD_ACTIONS = ("block", "mask", "warn")  # bot/gateway/stages/words.py counts prohibited_word_<action>


def known_findings(pii_types: Iterable[str], word_categories: Iterable[str]) -> tuple[str, ...]:
    """Every finding type the gateway writes (bot/gateway/stages/privacy.py and words.py), in the order the audit
    page's select shows them: personal information first, then prohibited words by category and action, each
    also as found in a model's answer (output_)."""
    categories = sorted(set(word_categories) | {"custom"})
    pii = list(pii_types)
    words = ["prohibited_word", *(f"prohibited_word_{c}" for c in categories)]
    return (
        *pii,
        *(f"output_{p}" for p in pii),
        *words,
        *(f"prohibited_word_{a}" for a in WORD_ACTIONS),
        *(f"output_{w}" for w in words),
        "abuse_suspected",
    )


def read_filter(
    query: Mapping[str, str], now: datetime, zone: tzinfo, known: Collection[str] | None = None
) -> AuditFilter:
    """The filters of the audit page; an unknown decision or finding type (not among `known`, when given) is dropped
    rather than searched for. A bad date range raises BadPeriod (its message says what to type)."""
    period = choose(query.get("period", "month"), query.get("from", ""), query.get("to", ""), now, zone)
    decision = query.get("decision", "")
    finding = query.get("finding", "").strip()
    if known is not None and finding not in known:
        finding = ""
    return AuditFilter(
        period,
        query.get("department", "").strip()[:64],
        query.get("user", "").strip()[:128],
        decision if decision in DECISIONS else "",
        finding if FINDING_TYPE.match(finding) else "",
    )


@dataclass(frozen=True, slots=True)
class AuditLine:
    seq: int
    when: datetime  # office local time
    call_id: str
    department_id: str
    user_id: str  # HIDDEN_USER unless the reader is that department's admin
    platform: str
    purpose: str
    assistant_id: str
    model: str
    tokens: int
    decision: str
    error_code: str
    findings: dict[str, int]


def line(record: Mapping[str, Any], zone: tzinfo, sees_user: bool) -> AuditLine:
    findings = json.loads(record["findings"] or "{}")
    return AuditLine(
        int(record["seq"]),
        record["created_at"].astimezone(zone),
        str(record["call_id"]),
        str(record["department_id"]),
        str(record["user_id"]) if sees_user else HIDDEN_USER,
        str(record["platform"]),
        str(record["purpose"]),
        str(record["assistant_id"] or ""),
        str(record["model"] or record["model_alias"] or ""),
        int(record["prompt_tokens"]) + int(record["completion_tokens"]),
        str(record["decision"]),
        str(record["error_code"] or ""),
        {str(k): int(v) for k, v in findings.items()},
    )


def policy_of(finding: str) -> str:
    """Which policy a finding type belongs to: the prohibited-word filter or personal-information masking."""
    core = finding.removeprefix("output_")
    return "words" if core.startswith("prohibited_word") or core == "abuse_suspected" else "pii"


@dataclass(frozen=True, slots=True)
class Caught:
    policy: str  # pii or words
    finding: str
    by_department: dict[str, int]
    total: int


def caught(rows: Iterable[tuple[str, str]]) -> list[Caught]:
    """Counts per finding type and department from each record's findings JSON, largest first."""
    counts: dict[str, Counter[str]] = {}
    for department_id, findings in rows:
        for finding, count in json.loads(findings or "{}").items():
            counts.setdefault(finding, Counter())[department_id] += int(count)
    out = [Caught(policy_of(f), f, dict(c), sum(c.values())) for f, c in counts.items()]
    return sorted(out, key=lambda c: (c.policy, -c.total, c.finding))

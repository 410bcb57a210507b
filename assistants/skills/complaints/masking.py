"""Personal information out before anything is shown or sent: the gateway's detectors (bot.privacy)
plus the complainant's own name and contact from their columns, wherever they appear in the text.

Masks are typed labels without numbers ("[전화번호]", "[성명]"): a triage never needs to tell two
complainants apart, and un-numbered labels cannot collide with the gateway's restorable placeholders.
What the office's or department's policy marks "allow" is left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from assistants.skills.complaints.records import Complaint
from bot.privacy import LABELS_KO, scan_pii
from bot.spans import apply_spans

_DIGITS = re.compile(r"\D")


def mask_text(text: str, actions: Mapping[str, str], known: Mapping[str, str] | None = None) -> str:
    """`text` with every finding masked unless its type is allowed; `known` maps values (a complainant's
    name, phone) to their type and catches them even where no detector would (a bare name)."""
    spans: list[tuple[int, int, str]] = []
    for finding in scan_pii(text):
        if actions.get(finding.type, "mask") != "allow":
            spans.append((finding.start, finding.end, finding.type))
    for value, kind in (known or {}).items():
        if len(value) < 2 or actions.get(kind, "mask") == "allow":
            continue
        start = text.find(value)
        while start != -1:
            spans.append((start, start + len(value), kind))
            start = text.find(value, start + len(value))
    if not spans:
        return text
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))  # at one start the longest wins; spans inside it are skipped
    return apply_spans(text, spans, lambda kind: f"[{LABELS_KO[kind]}]")


def _known_values(complaint: Complaint) -> dict[str, str]:
    known: dict[str, str] = {}
    name = complaint.complainant.strip()
    if name:
        known[name] = "name"
    for part in re.split(r"[,/;\s]+", complaint.contact):
        if "@" in part:
            known[part] = "email"
        elif len(_DIGITS.sub("", part)) >= 7:
            known[part] = "phone"
    return known


def mask_complaint(
    complaint: Complaint,
    actions: Mapping[str, str],
    personal_columns: Mapping[int, str],
    structured_columns: frozenset[int] = frozenset(),
) -> Complaint:
    """The complaint with its text, title, location and every free-text cell masked; the columns that
    hold the complainant's name or contact (`personal_columns`: index → type) are replaced outright.
    `structured_columns` (receipt number, date, status, department) hold no free text and are kept."""
    known = _known_values(complaint)
    memo: dict[str, str] = {"": ""}

    def masked(value: str) -> str:
        if value not in memo:
            memo[value] = mask_text(value, actions, known)
        return memo[value]

    original = []
    for index, cell in enumerate(complaint.original):
        kind = personal_columns.get(index)
        if kind and cell and actions.get(kind, "mask") != "allow":
            original.append(f"[{LABELS_KO[kind]}]")
        elif index in structured_columns:
            original.append(cell)
        else:
            original.append(masked(cell))
    head, newline, rest = complaint.text.partition("\n")
    text = masked(head) + newline + masked(rest) if newline and head == complaint.title else masked(complaint.text)
    name_allowed = actions.get("name", "mask") == "allow"
    contact_allowed = actions.get("phone", "mask") == "allow"
    return replace(
        complaint,
        text=text,
        title=masked(complaint.title),
        location=masked(complaint.location),
        complainant=complaint.complainant if name_allowed or not complaint.complainant else f"[{LABELS_KO['name']}]",
        contact=complaint.contact if contact_allowed or not complaint.contact else f"[{LABELS_KO['phone']}]",
        original=tuple(original),
    )

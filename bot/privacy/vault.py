"""Typed placeholders that stay stable within one conversation ("[전화번호#1]"), so the model can
refer to a value without ever seeing it, and the user gets the value back in the answer.

A vault belongs to one conversation and one user: only that user's answers are restored from it.
It lives in process memory only; raw values are never written anywhere.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.privacy.findings import LABELS_KO, Finding
from bot.privacy.normalise import normalise
from bot.privacy.scanner import scan_pii

_LABEL_TO_TYPE = {label: kind for kind, label in LABELS_KO.items()}
PLACEHOLDER = re.compile(r"\[(" + "|".join(map(re.escape, LABELS_KO.values())) + r")#(\d{1,4})\]")
_LONGEST_PLACEHOLDER = max(len(label) for label in LABELS_KO.values()) + 7


@dataclass(frozen=True, slots=True)
class MaskResult:
    text: str
    findings: list[Finding]  # positions refer to the original text
    blocked: frozenset[str]  # types whose action is "block"

    def counts(self) -> Counter[str]:
        return Counter(f.type for f in self.findings)


def _canonical(kind: str, value: str) -> str:
    """The same number written with or without separators (or in full-width digits) gets the same placeholder."""
    value = normalise(value).text
    if kind in ("email",):
        return value.casefold()
    if kind in ("name", "address", "passport"):
        return value.replace(" ", "")
    digits = re.sub(r"\D", "", value)
    if kind == "phone" and digits.startswith("82"):
        digits = "0" + digits[2:].removeprefix("0")  # +82 10 … and 010 … are one number
    return digits


@dataclass
class PlaceholderVault:
    _placeholder_of: dict[tuple[str, str], str] = field(default_factory=dict)
    _value_of: dict[str, str] = field(default_factory=dict)
    _issued: Counter[str] = field(default_factory=Counter)

    def placeholder(self, kind: str, value: str) -> str:
        key = (kind, _canonical(kind, value))
        existing = self._placeholder_of.get(key)
        if existing is not None:
            return existing
        self._issued[kind] += 1
        token = f"[{LABELS_KO[kind]}#{self._issued[kind]}]"
        self._placeholder_of[key] = token
        self._value_of[token] = value
        return token

    def mask(self, text: str, actions: Mapping[str, str], default: str = "mask") -> MaskResult:
        """Replace every finding whose action is mask or block; report block types separately."""
        kept: list[Finding] = []
        pieces: list[str] = []
        position = 0
        for finding in scan_pii(text):
            action = actions.get(finding.type, default)
            if action == "allow":
                continue
            kept.append(finding)
            pieces.append(text[position : finding.start])
            pieces.append(self.placeholder(finding.type, text[finding.start : finding.end]))
            position = finding.end
        pieces.append(text[position:])
        blocked = frozenset(f.type for f in kept if actions.get(f.type, default) == "block")
        return MaskResult("".join(pieces), kept, blocked)

    def restore(self, text: str) -> str:
        """Put back the values this vault issued placeholders for; other bracketed text is left alone."""
        return PLACEHOLDER.sub(lambda m: self._value_of.get(m.group(0), m.group(0)), text)


def redact(text: str) -> str:
    """Every finding replaced by its type ("[전화번호]"): for text kept beyond the conversation (stored
    thread memory), where a numbered placeholder could later be restored to a different value."""
    pieces, position = [], 0
    for finding in scan_pii(text):
        pieces += [text[position : finding.start], f"[{LABELS_KO[finding.type]}]"]
        position = finding.end
    pieces.append(text[position:])
    return "".join(pieces)


class RestoreStream:
    """Restores placeholders in text that arrives in pieces, holding back a possible half placeholder."""

    def __init__(self, vault: PlaceholderVault):
        self._vault = vault
        self._pending = ""

    def feed(self, text: str) -> str:
        self._pending += text
        cut = len(self._pending)
        opening = self._pending.rfind("[")
        if (
            opening != -1
            and "]" not in self._pending[opening:]
            and len(self._pending) - opening <= _LONGEST_PLACEHOLDER
        ):
            cut = opening
        ready, self._pending = self._pending[:cut], self._pending[cut:]
        return self._vault.restore(ready)

    def flush(self) -> str:
        ready, self._pending = self._pending, ""
        return self._vault.restore(ready)


class MaskStream:
    """Masks personal information a model writes on its own (not restorable), in streamed text.

    It scans a window and holds back the tail, never cutting through a finding, so a number split
    across two pieces is still caught.
    """

    HOLD = 48

    def __init__(self, actions: Mapping[str, str], on_finding=None):  # type: ignore[no-untyped-def]
        self._actions = actions
        self._pending = ""
        self._on_finding = on_finding

    def _mask(self, text: str, findings: list[Finding]) -> str:
        pieces, position = [], 0
        for finding in findings:
            if self._actions.get(finding.type, "mask") == "allow":
                continue
            if self._on_finding:
                self._on_finding(finding.type)
            pieces += [text[position : finding.start], f"[{LABELS_KO[finding.type]}]"]
            position = finding.end
        pieces.append(text[position:])
        return "".join(pieces)

    def feed(self, text: str) -> str:
        self._pending += text
        if len(self._pending) < 2 * self.HOLD:
            return ""
        findings = [f for f in scan_pii(self._pending) if not PLACEHOLDER.fullmatch(self._pending[f.start : f.end])]
        cut = len(self._pending) - self.HOLD
        for finding in findings:
            if finding.start < cut < finding.end:
                cut = finding.start
        ready, self._pending = self._pending[:cut], self._pending[cut:]
        return self._mask(ready, [f for f in findings if f.end <= cut])

    def flush(self) -> str:
        ready, self._pending = self._pending, ""
        return self._mask(ready, scan_pii(ready))

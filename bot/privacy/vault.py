"""Typed placeholders that stay stable within one conversation ("[전화번호#1]"), so the model can
refer to a value without ever seeing it, and the user gets the value back in the answer.

A vault belongs to one conversation and one user: only that user's answers are restored from it.
It lives where the conversation's memory lives (bot/gateway/stages/privacy.py): this process, or Redis sealed
with a time to live when Redis is configured; raw values are never written anywhere in the clear.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.privacy.findings import LABELS_KO, Finding
from bot.privacy.normalise import normalise
from bot.privacy.scanner import scan_pii
from bot.spans import apply_spans

_LABEL_TO_TYPE = {label: kind for kind, label in LABELS_KO.items()}
PLACEHOLDER = re.compile(r"\[(" + "|".join(map(re.escape, LABELS_KO.values())) + r")#(\d{1,4})\]")
_LONGEST_PLACEHOLDER = max(len(label) for label in LABELS_KO.values()) + 7


@dataclass(frozen=True, slots=True)
class MaskResult:
    text: str
    findings: list[Finding]  # positions refer to the original text
    blocked: frozenset[str]  # types whose action is "block"
    continued: frozenset[Finding] = frozenset()  # later parts of a value split across messages

    def counts(self) -> Counter[str]:
        """Findings by type; a value split across messages counts once (in its first message)."""
        return Counter(f.type for f in self.findings if f not in self.continued)


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

    def to_json(self) -> dict[str, object]:
        """What `from_json` reads back (to share the vault between serve processes, sealed: it holds raw values)."""
        return {
            "placeholders": [[kind, canonical, token] for (kind, canonical), token in self._placeholder_of.items()],
            "values": self._value_of,
            "issued": dict(self._issued),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> PlaceholderVault:
        placeholders = data.get("placeholders") or []
        values = data.get("values") or {}
        issued = data.get("issued") or {}
        assert isinstance(placeholders, list) and isinstance(values, dict) and isinstance(issued, dict)
        return cls(
            {(str(kind), str(canonical)): str(token) for kind, canonical, token in placeholders},
            {str(k): str(v) for k, v in values.items()},
            Counter({str(k): int(v) for k, v in issued.items()}),
        )

    def __len__(self) -> int:
        return len(self._value_of)

    def mask(
        self,
        text: str,
        actions: Mapping[str, str],
        default: str = "mask",
        split: Sequence[SplitPart] = (),
    ) -> MaskResult:
        """Replace every finding whose action is mask or block; report block types separately.

        `split` are this text's parts of values found only across messages (`find_split_values`):
        they are masked too, each with the placeholder of the whole value."""
        found = [f for f in scan_pii(text) if actions.get(f.type, default) != "allow"]
        values: dict[Finding, str] = {}
        continued: set[Finding] = set()
        for part in split:
            if actions.get(part.finding.type, default) == "allow":
                continue
            start, end = part.finding.start, part.finding.end
            for other in [f for f in found if f.start < end and start < f.end]:
                found.remove(other)  # never leave a piece of an overlapping value unmasked: cover both
                start, end = min(start, other.start), max(end, other.end)
            merged = Finding(part.finding.type, start, end, part.finding.confidence)
            found.append(merged)
            values[merged] = part.value
            if not part.first:
                continued.add(merged)
        found.sort(key=lambda f: f.start)
        masked = apply_spans(
            text,
            ((f.start, f.end, f) for f in found),
            lambda f: self.placeholder(f.type, values.get(f, text[f.start : f.end])),
        )
        blocked = frozenset(f.type for f in found if actions.get(f.type, default) == "block")
        return MaskResult(masked, found, blocked, frozenset(continued))

    def restore(self, text: str) -> str:
        """Put back the values this vault issued placeholders for; other bracketed text is left alone."""
        return PLACEHOLDER.sub(lambda m: self._value_of.get(m.group(0), m.group(0)), text)


@dataclass(frozen=True, slots=True)
class SplitPart:
    """The part of a value split across messages that stands in one message."""

    finding: Finding  # its type and its span in that message
    value: str  # the whole value, as the messages spell it together
    first: bool  # the part in the earliest message (counted once)


def find_split_values(texts: Sequence[str]) -> dict[int, list[SplitPart]]:
    """Values that only show when consecutive messages are read as one ("900101-" then "1234568"),
    by message index. Each message is still scanned on its own; this finds what crosses a boundary."""
    if len(texts) < 2:
        return {}
    joined = "".join(texts)
    bounds, position = [], 0
    for text in texts:
        bounds.append(position)
        position += len(text)
    bounds.append(position)
    parts: dict[int, list[SplitPart]] = {}
    for finding in scan_pii(joined):
        first = bisect_right(bounds, finding.start) - 1
        last = bisect_right(bounds, finding.end - 1) - 1
        if first == last:
            continue  # within one message: its own scan finds it
        value = joined[finding.start : finding.end]
        for index in range(first, last + 1):
            start = max(finding.start, bounds[index]) - bounds[index]
            end = min(finding.end, bounds[index + 1]) - bounds[index]
            if end > start:
                part = Finding(finding.type, start, end, finding.confidence)
                parts.setdefault(index, []).append(SplitPart(part, value, index == first))
    return parts


def redact(text: str) -> str:
    """Every finding replaced by its type ("[전화번호]"): for text kept beyond the conversation (stored
    thread memory), where a numbered placeholder could later be restored to a different value."""
    return apply_spans(text, ((f.start, f.end, f.type) for f in scan_pii(text)), _type_label)


def _type_label(kind: str) -> str:
    return f"[{LABELS_KO[kind]}]"


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


_NUMBER_CHAR = re.compile(r"[\d\s\-.\u2010-\u2015\u2212\uff0d\uff0e\x00-\x1f\xad\u200b-\u200f\u2060\ufeff]")


class MaskStream:
    """Masks personal information a model writes on its own (not restorable), in streamed text.

    It scans a window and holds back the tail, never cutting through a finding, so a number split
    across two pieces is still caught.
    """

    HOLD = 48

    def __init__(self, actions: Mapping[str, str], on_finding=None):
        self._actions = actions
        self._pending = ""
        self._on_finding = on_finding

    def _mask(self, text: str, findings: list[Finding]) -> str:
        def label(kind: str) -> str:
            if self._on_finding:
                self._on_finding(kind)
            return _type_label(kind)

        masked = [f for f in findings if self._actions.get(f.type, "mask") != "allow"]
        return apply_spans(text, ((f.start, f.end, f.type) for f in masked), label)

    def feed(self, text: str) -> str:
        self._pending += text
        if len(self._pending) < 2 * self.HOLD:
            return ""
        findings = [f for f in scan_pii(self._pending) if not PLACEHOLDER.fullmatch(self._pending[f.start : f.end])]
        cut = len(self._pending) - self.HOLD
        for finding in findings:
            if finding.start < cut < finding.end:
                cut = finding.start
        # Never cut a run of digits and separators either: padded with invisible characters, the front of a
        # number may not be recognisable yet, and its halves would then be masked (or not) separately.
        start = cut
        while start > max(0, cut - 256) and _NUMBER_CHAR.match(self._pending, start - 1):
            start -= 1  # (a bounded walk back: a run of digits longer than that is held no further)
        if any(ch.isdigit() for ch in self._pending[start:cut]):
            cut = start
        ready, self._pending = self._pending[:cut], self._pending[cut:]
        return self._mask(ready, [f for f in findings if f.end <= cut])

    def flush(self) -> str:
        ready, self._pending = self._pending, ""
        return self._mask(ready, scan_pii(ready))

"""Runs every detector and keeps non-overlapping findings (longer, then more confident, wins).

Speed: one cheap pass finds the runs of digits long enough to be a number worth protecting (seven
characters or more: the shortest is an IP address). The number detectors then look only at those
runs and the few words before them (where 계좌, 은행 or 카드 would stand), and only where the run has
enough digits for their type (a date has too few for any of them); the rest of a long Korean text is
skipped in C. E-mail, passport, address and name detectors run over the whole text, each
behind its own cheap check.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator

from bot.privacy.contact import find_emails, find_ips, find_phones
from bot.privacy.context import find_accounts, find_address_units, find_names
from bot.privacy.findings import Finding
from bot.privacy.normalise import normalise
from bot.privacy.numbers import (
    find_business_numbers,
    find_cards,
    find_driver_licences,
    find_passports,
    find_registration_numbers,
)

Detector = Callable[[str, int, int], Iterator[Finding]]
# Detectors of numbers, run on the windows around long digit runs: the types each can report, and the
# fewest digits a number of that type has (a match never spans two runs).
NUMBER_DETECTORS: dict[str, tuple[Detector, frozenset[str], int]] = {
    "registration": (find_registration_numbers, frozenset({"rrn", "frn"}), 13),
    "card": (find_cards, frozenset({"card"}), 15),
    "brn": (find_business_numbers, frozenset({"brn"}), 10),
    "driver_license": (find_driver_licences, frozenset({"driver_license"}), 12),
    "phone": (find_phones, frozenset({"phone"}), 9),
    "ip": (find_ips, frozenset({"ip"}), 4),
    "account": (find_accounts, frozenset({"account"}), 10),
}
TEXT_DETECTORS: dict[str, tuple[Detector, frozenset[str]]] = {
    "passport": (find_passports, frozenset({"passport"})),
    "email": (find_emails, frozenset({"email"})),
    "address": (find_address_units, frozenset({"address"})),
    "name": (find_names, frozenset({"name"})),
}
DETECTORS: dict[str, tuple[Detector, frozenset[str]]] = {
    **{name: (detector, kinds) for name, (detector, kinds, _) in NUMBER_DETECTORS.items()},
    **TEXT_DETECTORS,
}

# A digit (or +82) then at least five digits/separators, ending in a digit. The text is normalised
# first (every digit ASCII, every dash "-"): explicit ranges test twice as fast as \d.
NUMBER_RUN = re.compile(r"[+0-9][0-9 \t.\-()]{5,}[0-9]")
CONTEXT_BEFORE = 24  # the longest context word (카카오뱅크, 새마을금고) plus the 12 characters allowed after it
CONTEXT_AFTER = 2  # what the patterns' "not followed by" checks look at


_NOT_DIGITS = re.compile(r"\D+")


def number_windows(text: str) -> list[tuple[int, int, int]]:
    """(start, end, most digits in one run) of the spans that may hold a number, merged where they touch."""
    windows: list[tuple[int, int, int]] = []
    for run in NUMBER_RUN.finditer(text):
        start, end = max(0, run.start() - CONTEXT_BEFORE), min(len(text), run.end() + CONTEXT_AFTER)
        digits = len(_NOT_DIGITS.sub("", run.group()))
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end, max(digits, windows[-1][2]))
        else:
            windows.append((start, end, digits))
    return windows


def scan_pii(text: str, types: Iterable[str] | None = None) -> list[Finding]:
    """Findings in `text` (of `types`, default all), sorted by position, never overlapping.

    The detectors read the normalised view of the text (full-width digits, odd dashes and spaces,
    invisible characters, line breaks inside numbers folded; see normalise.py); the spans reported
    are mapped back to `text`, so they cover exactly the original characters."""
    view = normalise(text)
    found = scan_normalised(view.text, types)
    if view.text is text:
        return found
    return [Finding(f.type, *view.span(f.start, f.end), f.confidence) for f in found]


def scan_normalised(text: str, types: Iterable[str] | None = None) -> list[Finding]:
    """`scan_pii` on text already normalised: positions refer to `text` itself."""
    wanted = set(types) if types is not None else None
    found: list[Finding] = []
    windows = number_windows(text)
    for detector, kinds, fewest_digits in NUMBER_DETECTORS.values():
        if wanted is not None and not kinds & wanted:
            continue
        for start, end, digits in windows:
            if digits >= fewest_digits:
                found.extend(detector(text, start, end))
    for detector, kinds in TEXT_DETECTORS.values():
        if wanted is None or kinds & wanted:
            found.extend(detector(text, 0, len(text)))
    if wanted is not None:
        found = [f for f in found if f.type in wanted]
    if len(found) < 2:
        return found
    found.sort(key=lambda f: (-f.length, -f.confidence, f.start))
    kept: list[Finding] = []  # disjoint, ordered by start
    starts: list[int] = []
    for finding in found:
        i = bisect_right(starts, finding.start)
        if (i and kept[i - 1].end > finding.start) or (i < len(kept) and kept[i].start < finding.end):
            continue  # overlaps a longer or surer finding
        kept.insert(i, finding)
        starts.insert(i, finding.start)
    return kept

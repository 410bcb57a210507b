"""Runs every detector and keeps non-overlapping findings (longer, then more confident, wins)."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from bot.privacy.contact import find_emails, find_ips, find_phones
from bot.privacy.context import find_accounts, find_address_units, find_names
from bot.privacy.findings import Finding
from bot.privacy.numbers import find_business_numbers, find_cards, find_driver_licences, find_passports, find_registration_numbers

Detector = Callable[[str], Iterator[Finding]]
DETECTORS: dict[str, Detector] = {
    "registration": find_registration_numbers,
    "card": find_cards,
    "brn": find_business_numbers,
    "driver_license": find_driver_licences,
    "passport": find_passports,
    "phone": find_phones,
    "email": find_emails,
    "ip": find_ips,
    "account": find_accounts,
    "address": find_address_units,
    "name": find_names,
}


def scan_pii(text: str, types: Iterable[str] | None = None) -> list[Finding]:
    """Findings in `text` (of `types`, default all), sorted by position, never overlapping."""
    wanted = set(types) if types is not None else None
    found: list[Finding] = []
    for detector in DETECTORS.values():
        for finding in detector(text):
            if wanted is None or finding.type in wanted:
                found.append(finding)
    found.sort(key=lambda f: (-f.length, -f.confidence, f.start))
    kept: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for finding in found:
        if all(finding.end <= start or finding.start >= end for start, end in taken):
            kept.append(finding)
            taken.append((finding.start, finding.end))
    return sorted(kept, key=lambda f: f.start)

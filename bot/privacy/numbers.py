"""Detectors for Korean identification numbers, each validated beyond its shape.

Resident and foreigner registration numbers need a real birth date and a valid gender/century digit;
the mod-11 check digit raises confidence but is not required (numbers issued since October 2020 carry
none). Card numbers need Luhn and a known issuer prefix; business numbers their checksum.

Speed: every pattern starts with a character class, and its "not preceded by" check comes right
after that first character, so Python's regex engine can skip ahead in C to the next possible first
character instead of trying the whole pattern at every position of a long Korean text. Each finder
takes `start`/`end` so the scanner can run it only where a number could be.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from stdnum import luhn

from bot.privacy.findings import Finding

# The text is normalised first (normalise.py): every dash is "-", every digit ASCII.
_SEP = r"[ \t]*[-.][ \t]*|[ \t]+|"  # hyphen or dot (with spaces), spaces, or nothing
RRN = re.compile(rf"(\d\d)(?<![\d-]\d\d)(\d\d)(\d\d)(?:{_SEP})([1-8])(\d{{6}})(?![\d-])")
CARD = re.compile(r"\d(?<![\d-]\d)(?:\d{3}[ .-]?(?:\d{4}[ .-]?){2}\d{3,4}|\d{3}[ .-]?\d{6}[ .-]?\d{5})(?![\d-])")
BRN = re.compile(r"(\d(?<![\d-]\d)\d\d)-(\d{2})-(\d{5})(?![\d-])")
DRIVER = re.compile(r"([12]\d)(?<![\d-]\d\d)-(\d{2})-(\d{6})-(\d{2})(?![\d-])")  # region 11–28, checked below
PASSPORT = re.compile(r"[MSRGD](?<![A-Za-z0-9][MSRGD])(?:\d{8}|\d{3}[A-Z]\d{4})(?![A-Za-z0-9])")
_CENTURY = {"1": 1900, "2": 1900, "3": 2000, "4": 2000, "5": 1900, "6": 1900, "7": 2000, "8": 2000}
_CARD_PREFIXES = ("3", "4", "5", "6", "9")


def _valid_birth(yy: str, mm: str, dd: str, gender: str) -> bool:
    try:
        date(_CENTURY[gender] + int(yy), int(mm), int(dd))
    except ValueError:
        return False
    return True


def rrn_checksum_ok(digits: str) -> bool:
    """The classic mod-11 check digit (absent on numbers issued since October 2020)."""
    weights = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
    total = sum(int(d) * w for d, w in zip(digits[:12], weights))
    check = (11 - total % 11) % 10
    if digits[6] in "5678":  # foreigner numbers used +2 on the same scheme
        check = (check + 2) % 10
    return check == int(digits[12])


def find_registration_numbers(text: str, start: int = 0, end: int | None = None) -> Iterator[Finding]:
    for match in RRN.finditer(text, start, len(text) if end is None else end):
        yy, mm, dd, gender, rest = match.groups()
        if not _valid_birth(yy, mm, dd, gender):
            continue
        digits = yy + mm + dd + gender + rest
        confidence = 0.99 if rrn_checksum_ok(digits) else 0.85
        yield Finding("frn" if gender in "5678" else "rrn", match.start(), match.end(), confidence)


_CARD_WORDS = re.compile(r"카드|card|결제|신용|체크|승인", re.IGNORECASE)


def find_cards(text: str, start: int = 0, end: int | None = None) -> Iterator[Finding]:
    """Luhn passes one random number in ten, so a run typed without separators also needs a card word nearby."""
    for match in CARD.finditer(text, start, len(text) if end is None else end):
        digits = re.sub(r"\D", "", match.group())
        if not (len(digits) in (15, 16) and digits.startswith(_CARD_PREFIXES) and luhn.is_valid(digits)):
            continue
        grouped = len(digits) != len(match.group())
        if grouped or _CARD_WORDS.search(text, max(0, match.start() - 15), match.start()):
            yield Finding("card", match.start(), match.end(), 0.95 if grouped else 0.9)


def brn_checksum_ok(digits: str) -> bool:
    weights = (1, 3, 7, 1, 3, 7, 1, 3, 5)
    total = sum(int(d) * w for d, w in zip(digits[:9], weights)) + (int(digits[8]) * 5) // 10
    return (10 - total % 10) % 10 == int(digits[9])


def find_business_numbers(text: str, start: int = 0, end: int | None = None) -> Iterator[Finding]:
    stop = len(text) if end is None else end
    if text.count("-", start, stop) < 2:
        return
    for match in BRN.finditer(text, start, stop):
        digits = "".join(match.groups())
        if brn_checksum_ok(digits):
            yield Finding("brn", match.start(), match.end(), 0.95)


def find_driver_licences(text: str, start: int = 0, end: int | None = None) -> Iterator[Finding]:
    stop = len(text) if end is None else end
    if text.count("-", start, stop) < 3:
        return
    for match in DRIVER.finditer(text, start, stop):
        if 11 <= int(match.group(1)) <= 28:
            yield Finding("driver_license", match.start(), match.end(), 0.9)


def find_passports(text: str, start: int = 0, end: int | None = None) -> Iterator[Finding]:
    for match in PASSPORT.finditer(text, start, len(text) if end is None else end):
        yield Finding("passport", match.start(), match.end(), 0.85)

"""Phone numbers, e-mail and IP addresses.

Phone candidates come from a permissive pattern (separators '-', '.', space or none; +82 forms) and
are confirmed by `phonenumbers` for region KR, which knows real area codes and number lengths
(mobile numbers only need a possible length: its ranges lag behind the carriers'). Business
numbers like 1588-xxxx never start with 0 and are not personal, so they are left alone.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from functools import lru_cache

import phonenumbers

from bot.privacy.findings import Finding

# Each pattern starts with a character class and checks what precedes it just after (see numbers.py).
PHONE = re.compile(
    r"(?:\+(?<![\d.+-]\+)82[ .-]?\(?0?\)?[ .-]?|0(?<![\d.+-]0))(1[016789]|2|[3-6][1-5]|70|50\d)[ .)-]?(\d{3,4})(?:[ ]?[.-][ ]?|[ ])?(\d{4})(?![\d-])"
)
EMAIL = re.compile(
    r"[A-Za-z0-9._%+-](?<![\w.+-][A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9_-])"
)  # a Korean particle may follow: "…@example.com으로"
IPV4 = re.compile(r"\d(?<![\d.]\d)\d{0,2}\.(?:\d{1,3}\.){2}\d{1,3}(?!\d|\.\d)")  # a sentence's full stop may follow


def find_phones(text: str, start: int = 0, end: int | None = None) -> Iterator[Finding]:
    for match in PHONE.finditer(text, start, len(text) if end is None else end):
        valid, possible = _check(int("".join(match.groups())))
        # Mobile ranges change faster than the metadata (it rejects 010-5970-xxxx), so a mobile number
        # only needs a possible length; landlines must have a real area code and length.
        mobile = match.group(1).startswith("1")
        if valid or (mobile and possible):
            yield Finding("phone", match.start(), match.end(), 0.95 if valid else 0.85)


@lru_cache(maxsize=4096)
def _check(national_number: int) -> tuple[bool, bool]:
    """(valid, possible) for a Korean national number. The pattern already split the number, so it is
    built directly (phonenumbers.parse would redo that work, most of its cost). Cached: a conversation's
    earlier messages are masked again on every turn, with the same numbers in them."""
    number = phonenumbers.PhoneNumber(country_code=82, national_number=national_number)
    return phonenumbers.is_valid_number(number), phonenumbers.is_possible_number(number)


def find_emails(text: str, start: int = 0, end: int | None = None) -> Iterator[Finding]:
    if "@" not in text:
        return
    for match in EMAIL.finditer(text, start, len(text) if end is None else end):
        yield Finding("email", match.start(), match.end(), 0.99)


def find_ips(text: str, start: int = 0, end: int | None = None) -> Iterator[Finding]:
    stop = len(text) if end is None else end
    if text.count(".", start, stop) < 3:  # cheaper than the pattern, and most digit runs have no dots
        return
    for match in IPV4.finditer(text, start, stop):
        try:
            address = ipaddress.IPv4Address(match.group())
        except ValueError:
            continue
        if not (address.is_unspecified or match.group().startswith("0")):
            yield Finding("ip", match.start(), match.end(), 0.9)

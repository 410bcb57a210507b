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

import phonenumbers

from bot.privacy.findings import Finding

PHONE = re.compile(
    r"(?<![\d.+-])(?:\+82[ .-]?\(?0?\)?[ .-]?|0)(1[016789]|2|[3-6][1-5]|70|50\d)[ .)-]?(\d{3,4})[ .-]?(\d{4})(?![\d-])"
)
EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9_-])")  # a Korean particle may follow: "…@example.com으로"
IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?!\d|\.\d)")  # a sentence's full stop may follow


def find_phones(text: str) -> Iterator[Finding]:
    for match in PHONE.finditer(text):
        candidate = match.group()
        try:
            number = phonenumbers.parse(candidate, "KR")
        except phonenumbers.NumberParseException:
            continue
        # Mobile ranges change faster than the metadata (it rejects 010-5970-xxxx), so a mobile number
        # only needs a possible length; landlines must have a real area code and length.
        mobile = match.group(1).startswith("1")
        if phonenumbers.is_valid_number(number) or (mobile and phonenumbers.is_possible_number(number)):
            yield Finding("phone", match.start(), match.end(), 0.95 if not mobile or phonenumbers.is_valid_number(number) else 0.85)


def find_emails(text: str) -> Iterator[Finding]:
    for match in EMAIL.finditer(text):
        yield Finding("email", match.start(), match.end(), 0.99)


def find_ips(text: str) -> Iterator[Finding]:
    for match in IPV4.finditer(text):
        try:
            address = ipaddress.IPv4Address(match.group())
        except ValueError:
            continue
        if not (address.is_unspecified or match.group().startswith("0")):
            yield Finding("ip", match.start(), match.end(), 0.9)

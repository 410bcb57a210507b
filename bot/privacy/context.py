"""Personal information recognisable only by its context: bank accounts (near 계좌/은행/입금 or a bank
name), the 동/호 of an address, and names marked as names (성명:, 민원인 …, … 씨).

Like the number patterns, each pattern starts with a character class or a set of literal words, so
the regex engine skips ahead in C to where a match could begin.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.privacy.findings import Finding

_BANKS = "국민|신한|우리|하나|농협|기업|카카오뱅크|토스뱅크|케이뱅크|새마을금고|우체국|수협|부산|대구|경남|광주|전북|제주|SC제일|씨티|산업|신협"
ACCOUNT = re.compile(
    rf"(?:계좌(?:번호)?|은행|입금|예금주|송금|이체|{_BANKS})[^\d\n]{{0,12}}?(?<![\d-])(\d{{2,6}}(?:-\d{{2,7}}){{1,4}}|\d{{10,14}})(?![\d-])"
)
# "101동 1203호", or "…로 12, 1203호" / "…길 7-3 302호" (only the 호 part is personal there)
UNIT = re.compile(r"\d(?<![\d가-힣]\d)\d{0,3}동\s?\d{1,5}호(?![가-힣])")
ROAD_UNIT = re.compile(r"[로길]\s?\d{1,5}(?:-\d{1,4})?,?\s(\d{1,5}호)(?![가-힣])")
_SURNAMES = "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예봉경사부가복태목형계피두감음빈동온호범좌팽승간상시갈단견당화창"
_LABELS = r"(?:성명|이름|민원인|신청인|작성자|제보자|신고인|피해자)"
# "성명: 홍길동" (a colon: any 2–4 syllables), or "민원인 박서준 …" (2–3 syllables standing alone,
# so "민원인 연락처는" is not a name).
LABELLED_NAME = re.compile(
    _LABELS + r"(?:\s*[:：]\s*([" + _SURNAMES + r"][가-힣]{1,3})(?![가-힣])"
    r"|\s+([" + _SURNAMES + r"][가-힣]{1,2})(?=\s|씨|님|[,.)(]|$))"
)
# Everyday office words that begin with a surname syllable and often follow a label ("민원인 연락처 …").
NOT_NAMES = frozenset(
    [
        "연락처",
        "연락",
        "주소",
        "주소지",
        "전화",
        "전화번호",
        "정보",
        "신청",
        "신청서",
        "신고",
        "문의",
        "민원",
        "이름",
        "성명",
        "주민",
        "방문",
        "제출",
        "서류",
        "상담",
        "진술",
        "명의",
        "요청",
        "내용",
        "의견",
        "답변",
        "회신",
        "본인",
        "가족",
        "대리인",
        "대표",
        "담당",
        "담당자",
        "측",
        "모두",
        "전원",
        "다수",
        "일동",
        "명단",
        "수",
        "등",
    ]
)
# "김철수 씨", "김철수씨가/는/의/에게/께서…" — a particle may follow 씨, other syllables may not (아저씨).
MR_NAME = re.compile(r"(?<![가-힣])([" + _SURNAMES + r"][가-힣]{1,2})\s?씨(?=[가는의에와를도께랑한이]|[^가-힣]|$)")
_MR_REACH = 4  # a name of up to three syllables and a space before 씨
_UNIT_REACH, _ROAD_REACH = 11, 19  # the longest "1234동 12345호" and "로 12345-1234, 12345호" before their 호


def _ending_at(pattern: re.Pattern[str], text: str, at: int, reach: int, floor: int, stop: int) -> re.Match[str] | None:
    """The leftmost match of `pattern` that ends with the character at `at`, starting at most `reach`
    characters before it (and not before `floor`). Lookbehinds still see the text before the window."""
    begin = max(floor, at - reach)
    while begin <= at:
        match = pattern.search(text, begin, min(stop, at + 2))
        if match is None:
            return None
        if match.end() == at + 1:
            return match
        begin = match.start() + 1
    return None


def find_accounts(text: str, start: int = 0, end: int | None = None) -> Iterator[Finding]:
    for match in ACCOUNT.finditer(text, start, len(text) if end is None else end):
        digits = re.sub(r"\D", "", match.group(1))
        if 10 <= len(digits) <= 14:
            yield Finding("account", match.start(1), match.end(1), 0.9)


def find_address_units(text: str, start: int = 0, end: int | None = None) -> Iterator[Finding]:
    """Both forms end in 호: jump from one 호 to the next (str.find runs in C) and look just before it."""
    stop = len(text) if end is None else end
    at = text.find("호", start, stop)
    floor = start
    while at != -1:
        if at > start and text[at - 1].isdigit():
            match = _ending_at(UNIT, text, at, _UNIT_REACH, floor, stop)
            if match is not None:
                yield Finding("address", match.start(), match.end(), 0.85)
                floor = match.end()
            else:
                match = _ending_at(ROAD_UNIT, text, at, _ROAD_REACH, floor, stop)
                if match is not None:
                    yield Finding("address", match.start(1), match.end(1), 0.85)
                    floor = match.end()
        at = text.find("호", at + 1, stop)


def find_names(text: str, start: int = 0, end: int | None = None) -> Iterator[Finding]:
    stop = len(text) if end is None else end
    for match in LABELLED_NAME.finditer(text, start, stop):
        group = 1 if match.group(1) else 2
        if match.group(group) not in NOT_NAMES:
            yield Finding("name", match.start(group), match.end(group), 0.8)
    # Names before 씨: jump from one 씨 to the next and look just before it.
    at = text.find("씨", start, stop)
    floor = start
    while at != -1:
        named = _ending_at(MR_NAME, text, at, _MR_REACH, floor, stop)
        if named is not None:
            yield Finding("name", named.start(1), named.end(1), 0.8)
            floor = named.end()
        at = text.find("씨", at + 1, stop)

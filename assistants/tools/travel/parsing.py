"""Korean answers as values: "다음 주 화요일", "1박 2일", "KTX 일반실", "없음", "2만 3,700원".

Used as pydantic before-validators, so a model's JSON arguments and an official's typed answer go through the
same checks; each parser raises ValueError with a message that says what to type.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

WEEKDAYS = "월화수목금토일"
YES = {"예", "네", "응", "있음", "있어요", "사용", "이용", "탑승", "yes", "y", "true", "o"}
NO = {"아니오", "아니요", "아니", "없음", "없어요", "없다", "미사용", "안함", "안 함", "no", "n", "false", "x"}
UNKNOWN = {"모름", "몰라요", "모르겠음", "미정", "없음", "-", "skip", "건너뛰기"}

# transport kinds (what 별표 2 pays by) and the words officials use for them
TRANSPORT_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("official", ("관용차", "공용차", "관용 차", "공용 차량", "관용차량", "공용차량")),
    ("rail", ("ktx", "srt", "itx", "새마을", "무궁화", "기차", "열차", "철도", "전철")),
    ("air", ("항공", "비행기")),
    ("ship", ("배", "선박", "여객선")),
    ("bus", ("버스", "고속버스", "시외버스")),
    ("car", ("자가용", "승용차", "자동차", "렌터카")),
)
TRANSPORT_LABELS = {
    "rail": "철도",
    "bus": "버스",
    "air": "항공",
    "ship": "선박",
    "car": "자가용",
    "official": "공용차량",
}


def parse_date(value: object, today: date) -> date:
    """A date as written: ISO, "12월 8일", "12/8", "오늘/내일/모레", "(이번|다음) 주 화요일", "화요일"."""
    if isinstance(value, date):
        return value
    text = "".join(str(value).split())
    if not text:
        raise ValueError("날짜를 입력해 주세요 (예: 2026-12-08, 12월 8일, 다음 주 화요일)")
    if m := re.fullmatch(r"(\d{4})[-./년](\d{1,2})[-./월](\d{1,2})일?\.?", text):
        return date(int(m[1]), int(m[2]), int(m[3]))
    if m := re.fullmatch(r"(\d{1,2})[/.월](\d{1,2})일?", text):
        candidate = date(today.year, int(m[1]), int(m[2]))
        return candidate if candidate >= today else candidate.replace(year=today.year + 1)
    relative = {"오늘": 0, "내일": 1, "모레": 2}
    if text in relative:
        return today + timedelta(days=relative[text])
    if m := re.fullmatch(r"(이번주|금주|다음주|차주|다다음주)?([월화수목금토일])요일?", text):
        week_start = today - timedelta(days=today.weekday())
        offset = {None: 0, "이번주": 0, "금주": 0, "다음주": 7, "차주": 7, "다다음주": 14}[m[1]]
        day = week_start + timedelta(days=offset + WEEKDAYS.index(m[2]))
        if m[1] is None and day < today:
            day += timedelta(days=7)
        return day
    raise ValueError(f"'{value}'을(를) 날짜로 읽지 못했습니다 (예: 2026-12-08, 12월 8일, 다음 주 화요일)")


def parse_duration(value: object) -> tuple[int, int]:
    """(nights, days) from "1박 2일", "2박3일", "당일", "하루", "3일"; days is nights + 1 when not given."""
    if isinstance(value, dict):
        nights, days = int(value.get("nights", 0)), int(value.get("days", 0) or value.get("nights", 0) + 1)
        return nights, days
    text = "".join(str(value).split())
    if text in {"당일", "당일출장", "하루", "1일", "0박1일"}:
        return 0, 1
    if m := re.fullmatch(r"(\d+)박(?:(\d+)일)?", text):
        nights = int(m[1])
        return nights, int(m[2]) if m[2] else nights + 1
    if m := re.fullmatch(r"(\d+)일", text):
        return int(m[1]) - 1, int(m[1])
    raise ValueError(f"'{value}'을(를) 기간으로 읽지 못했습니다 (예: 1박 2일, 당일)")


def parse_transport(value: object) -> str:
    """One of TRANSPORT_LABELS' keys from what was written ("KTX 일반실" -> rail)."""
    text = str(value).strip().casefold()
    if text in TRANSPORT_LABELS:
        return text
    for kind, words in TRANSPORT_WORDS:
        if any(word in text for word in words):
            return kind
    labels = ", ".join(TRANSPORT_LABELS.values())
    raise ValueError(f"'{value}'을(를) 교통수단으로 읽지 못했습니다 ({labels} 중 하나, 예: KTX 일반실)")


def parse_yes_no(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().rstrip(".!").casefold()
    for word in sorted(YES | NO, key=len, reverse=True):
        if text == word or text.endswith(word) or text.startswith(word):
            return word in YES
    raise ValueError(f"'{value}': 예 또는 아니오로 답해 주세요")


def parse_won(value: object) -> int | None:
    """An amount in won ("23,700원", "2만 3700원", "5만원"); None for "모름"/"없음" (not known yet)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("금액을 원 단위 숫자로 입력해 주세요")
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError("금액은 0원 이상이어야 합니다")
        return int(value)
    text = "".join(str(value).split()).replace(",", "")
    if text.casefold() in UNKNOWN:
        return None
    if m := re.fullmatch(r"(?:(\d+)만)?(\d+)?원?", text):
        if m[1] is None and m[2] is None:
            raise ValueError(f"'{value}'을(를) 금액으로 읽지 못했습니다 (예: 23,700원, 모름)")
        return int(m[1] or 0) * 10_000 + int(m[2] or 0)
    raise ValueError(f"'{value}'을(를) 금액으로 읽지 못했습니다 (예: 23,700원, 모름)")


def parse_count(value: object) -> int:
    """A small count ("2끼", "두 번", "없음" -> 0)."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValueError("0 이상의 숫자로 입력해 주세요")
        return value
    text = "".join(str(value).split())
    if text.casefold() in NO | {"0", "안먹음"}:
        return 0
    words = {"한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6}
    if m := re.fullmatch(r"(\d+)(?:끼|번|회|개)?", text):
        return int(m[1])
    if m := re.fullmatch(r"(한|두|세|네|다섯|여섯)(?:끼|번|회)", text):
        return words[m[1]]
    raise ValueError(f"'{value}'을(를) 횟수로 읽지 못했습니다 (예: 2끼, 없음)")


def parse_hours(value: object) -> float | None:
    """Hours of an in-area trip ("3시간", "4시간 이상" -> 4, "4시간 미만" -> 3.5); None if not known."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = "".join(str(value).split())
    if text.casefold() in UNKNOWN:
        return None
    if m := re.fullmatch(r"(\d+(?:\.\d+)?)시간?(이상|초과|미만|이하)?", text):
        hours = float(m[1])
        return hours - 0.5 if m[2] in {"미만"} else hours
    raise ValueError(f"'{value}'을(를) 시간으로 읽지 못했습니다 (예: 3시간, 4시간 이상)")

"""Cell values as officials type them: dates as Excel dates, serial numbers or text ("2026.3.2(월)", "3월 2일",
"20260302", "26-03-02"), amounts as numbers or text ("8,000원"). Pure functions; None when a value is not one."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0 (with its 1900 leap-year bug already folded in)
_FULL = re.compile(r"(\d{4})\s*[-./년]\s*(\d{1,2})\s*[-./월]\s*(\d{1,2})")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SHORT_YEAR = re.compile(r"^(\d{2})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})")
_MONTH_DAY = re.compile(r"^(\d{1,2})\s*(?:[-./]|월)\s*(\d{1,2})\s*일?")
_DAY = re.compile(r"^(\d{1,2})\s*일?$")
_YEAR_MONTH = re.compile(r"((?:19|20)\d{2})\s*(?:년|[-./])\s*(\d{1,2})(?!\d)")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*년?")
_MONTH = re.compile(r"(?<!\d)(\d{1,2})\s*월")


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(value: object, year: int | None = None, month: int | None = None) -> date | None:
    """The date a cell holds. `year`/`month` complete a date written without them ("3월 2일", or a day number on a
    sheet per month); a serial number between 1955 and 2119 is an Excel date whose cell lost its format."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        number = float(value)
        if 20_000 <= number <= 80_000:
            return EXCEL_EPOCH + timedelta(days=int(number))
        if number.is_integer() and 1 <= number <= 31 and year and month:
            return _date(year, month, int(number))
        return None
    text = str(value).strip()
    if not text:
        return None
    if found := _FULL.search(text):
        return _date(int(found[1]), int(found[2]), int(found[3]))
    if found := _COMPACT.match(text):
        return _date(int(found[1]), int(found[2]), int(found[3]))
    if found := _SHORT_YEAR.match(text):
        return _date(2000 + int(found[1]), int(found[2]), int(found[3]))
    if year and (found := _MONTH_DAY.match(text)):
        return _date(year, int(found[1]), int(found[2]))
    if year and month and (found := _DAY.match(text)):
        return _date(year, month, int(found[1]))
    return None


def year_month_in(*texts: str) -> tuple[int | None, int | None]:
    """The year and month a sheet's name, title rows or file name state ("2026년 3월", "2026-03", "3월"),
    the first found of each; used to complete dates written without them."""
    year = month = None
    for text in texts:
        if (found := _YEAR_MONTH.search(text)) and 1 <= int(found[2]) <= 12:
            return int(found[1]), int(found[2])
        if year is None and (found_year := _YEAR.search(text)):
            year = int(found_year[1])
        if month is None and (found_month := _MONTH.search(text)) and 1 <= int(found_month[1]) <= 12:
            month = int(found_month[1])
    return year, month


def parse_amount(value: object) -> int | None:
    """Won as an integer: numbers as they are (rounded), text without thousands separators, "원" or spaces."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return round(value)
    text = re.sub(r"[\s,원₩]", "", str(value))
    if re.fullmatch(r"-?\d+(?:\.\d+)?", text):
        return round(float(text))
    return None

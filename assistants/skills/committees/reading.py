"""Committee members out of a workbook: one committee per file or per sheet, or a 위원회 column listing many.
The committee's name comes from that column, else a title above the table that names a 위원회, else the sheet's
name (unless Excel named it "Sheet1"), else the file name. Runs in the document worker."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from assistants.skills.sheets.table import Column, is_generic_sheet_name, read_workbook
from assistants.skills.sheets.values import parse_date
from bot.documents.limits import DocumentLimits

COMMITTEE_COLUMNS = (
    Column("name", ("성명", "이름", "위원명", "위원성명", "위원 이름", "name"), required=True),
    Column("committee", ("위원회", "위원회명", "위원회 명칭", "committee")),
    Column("birth", ("생년월일", "출생일", "생년", "생일", "주민등록번호", "주민번호", "birth")),
    Column("affiliation", ("소속", "소속기관", "기관", "기관명", "직장", "근무처", "소속 및 직위", "affiliation")),
    Column("position", ("직위", "직책", "직급", "위원구분", "구분")),
    Column("phone", ("연락처", "전화", "전화번호", "휴대폰", "휴대전화", "핸드폰", "phone")),
    Column("term", ("임기", "위촉기간", "위촉일", "임기 시작")),
)
TOTAL_ROW = re.compile(r"^(?:합계|총계|계|total)$", re.IGNORECASE)
_COMMITTEE_TITLE = re.compile(r"([\w·()\s]*?위원회)")
_RESIDENT = re.compile(r"^(\d{2})(\d{2})(\d{2})\s*-?\s*([1-8*])?")


@dataclass(frozen=True, slots=True)
class Member:
    file: str
    sheet: str
    row: int
    committee: str
    name: str  # as written ("홍 길동 위원")
    birth: date | None
    affiliation: str
    position: str
    phone: str


@dataclass(slots=True)
class CommitteeBook:
    file: str
    members: list[Member] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    unread_sheets: list[str] = field(default_factory=list)


def parse_birth(value: object) -> date | None:
    """A birth date as a date, "1970.01.02", "1970년 1월 2일", "700102" or the front of a resident number
    ("700102-1******": its 7th digit gives the century; without it, 2-digit years up to 29 are 20xx)."""
    when = parse_date(value)
    if when is not None and 1900 <= when.year <= 2030:
        return when
    text = re.sub(r"\s", "", str(value or ""))
    if found := re.fullmatch(r"(\d{2})[./-](\d{1,2})[./-](\d{1,2})\.?", text):
        text = f"{found[1]}{int(found[2]):02d}{int(found[3]):02d}"
    if (found := _RESIDENT.match(text)) and not re.match(r"^\d{8}", text):
        yy, mm, dd, digit = int(found[1]), int(found[2]), int(found[3]), found[4]
        century = 1800 if digit in ("9", "0") else 2000 if digit in ("3", "4", "7", "8") else 1900
        if digit in (None, "*"):
            century = 2000 if yy <= 29 else 1900
        try:
            return date(century + yy, mm, dd)
        except ValueError:
            return None
    return None


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip() if value is not None else ""


def _stem(file: str) -> str:
    return re.sub(r"\.[A-Za-z]+$", "", file.rsplit("/", 1)[-1])


def committee_name(column_value: str, title: str, sheet: str, file: str, sheets: int) -> str:
    """The committee a member row belongs to, from the most specific place that names one."""
    if column_value:
        return column_value
    if found := _COMMITTEE_TITLE.search(title):
        return found[1].strip()
    if not is_generic_sheet_name(sheet) and (sheets > 1 or "위원회" in sheet):
        return sheet.strip()
    if found := _COMMITTEE_TITLE.search(_stem(file)):
        return found[1].strip()
    return _stem(file) if sheets == 1 or is_generic_sheet_name(sheet) else sheet.strip()


def read_committee_workbook(file: str, data: bytes, max_rows: int, limits: DocumentLimits) -> CommitteeBook:
    """Every member row of every sheet with a name column; each row tagged with its committee."""
    workbook = read_workbook(file, data, COMMITTEE_COLUMNS, max_rows, limits, skip=TOTAL_ROW)
    book = CommitteeBook(file, unread_sheets=workbook.unread_sheets)
    for sheet in workbook.sheets:
        book.sheets.append(sheet.name)
        for record in sheet.records:
            values = record.values
            name = _text(values.get("name"))
            if not name:
                continue
            committee = committee_name(
                _text(values.get("committee")), sheet.title, sheet.name, file, len(workbook.sheets)
            )
            book.members.append(
                Member(
                    file,
                    sheet.name,
                    record.row,
                    committee,
                    name,
                    parse_birth(values.get("birth")),
                    _text(values.get("affiliation")),
                    _text(values.get("position")),
                    _text(values.get("phone")),
                )
            )
    return book

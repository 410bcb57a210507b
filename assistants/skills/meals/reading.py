"""Meal records out of a cafeteria workbook: one row per meal, on one sheet or one sheet per month, with the
header wherever the office put it. Runs in the document worker (bytes in, picklable records out)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from assistants.skills.sheets.table import Column, read_workbook
from assistants.skills.sheets.values import parse_amount, parse_date, year_month_in
from bot.documents.limits import DocumentLimits

MEAL_COLUMNS = (
    Column("name", ("성명", "이름", "직원명", "사원명", "식사자", "이용자", "name"), required=True),
    Column("department", ("부서", "소속", "부서명", "소속부서", "근무부서", "department")),
    Column("employee_id", ("사번", "직원번호", "사원번호", "개인번호", "employee id")),
    Column("date", ("일자", "날짜", "식사일", "식사일자", "이용일", "이용일자", "사용일", "사용일자", "date")),
    Column("day", ("일",), exact=True),  # a day number on a sheet per month ("2026년 3월" in its name or title)
    Column("meal", ("구분", "식사구분", "끼니", "식사종류", "식사", "meal")),
    Column("amount", ("금액", "식대", "식비", "이용금액", "결제금액", "사용금액", "단가", "amount"), required=True),
)
TOTAL_ROW = re.compile(r"^(?:합계|총계|소계|누계|계|total)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class MealRecord:
    file: str
    sheet: str
    row: int
    name: str
    department: str
    employee_id: str
    day: date
    meal: str  # 조식/중식/석식 as written ("" when the sheet has no such column)
    amount: int  # won


@dataclass(frozen=True, slots=True)
class SkippedRow:
    file: str
    sheet: str
    row: int
    reason: str  # "date" | "amount" | "name": the value that could not be read


@dataclass(slots=True)
class MealBook:
    file: str
    records: list[MealRecord] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    unread_sheets: list[str] = field(default_factory=list)


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip() if value is not None else ""


def read_meal_workbook(file: str, data: bytes, max_rows: int, limits: DocumentLimits) -> MealBook:
    """Every meal row of the workbook; rows without a readable name, date or amount are listed, not guessed."""
    workbook = read_workbook(file, data, MEAL_COLUMNS, max_rows, limits, skip=TOTAL_ROW)
    book = MealBook(file, unread_sheets=workbook.unread_sheets)
    for sheet in workbook.sheets:
        if "date" not in sheet.columns and "day" not in sheet.columns:
            book.unread_sheets.append(sheet.name)
            continue
        book.sheets.append(sheet.name)
        year, month = year_month_in(sheet.name, sheet.title, file)
        for record in sheet.records:
            values = record.values
            name = _text(values.get("name"))
            when = parse_date(values.get("date"), year, month) if "date" in values else None
            if when is None and "day" in values:
                when = parse_date(values.get("day"), year, month)
            amount = parse_amount(values.get("amount"))
            reason = "name" if not name else "date" if when is None else "amount" if amount is None else ""
            if reason or when is None or amount is None:
                book.skipped.append(SkippedRow(file, sheet.name, record.row, reason or "amount"))
                continue
            book.records.append(
                MealRecord(
                    file,
                    sheet.name,
                    record.row,
                    name,
                    _text(values.get("department")),
                    _text(values.get("employee_id")),
                    when,
                    _text(values.get("meal")),
                    amount,
                )
            )
    return book

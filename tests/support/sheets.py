"""Workbooks for the sheet-tool tests, built with openpyxl the way offices lay them out (no binary fixtures)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime

import openpyxl

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(sheets: dict[str, Sequence[Sequence[object]]], merges: dict[str, Sequence[str]] | None = None) -> bytes:
    """An XLSX with one sheet per entry (rows as given, None for an empty cell) and merged ranges ("A1:E1")."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
        for cells in (merges or {}).get(title, ()):
            sheet.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read_back(data: bytes, sheet: str) -> list[dict[str, object]]:
    """A result workbook's sheet as dicts keyed by its header."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    rows = list(book[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


# name, department, date, meal, amount: March 2026 (3/1 Sun = 삼일절, 3/2 Mon = 삼일절 대체 휴일, 3/7 Sat).
MEALS = [
    ("김민수", "총무과", date(2026, 3, 3), "중식", 8000),
    ("김민수", "총무과", date(2026, 3, 3), "중식", 8000),  # the same lunch twice
    ("김민수", "총무과", date(2026, 3, 3), "석식", 9000),  # 1,000 over the 8,000 limit
    ("이영희", "총무과", date(2026, 3, 2), "중식", 7000),  # substitute holiday
    ("박철호", "교통행정과", date(2026, 3, 7), "중식", 8000),  # Saturday
    ("박철호", "교통행정과", date(2026, 3, 1), "중식", 8500),  # Sunday, 삼일절, 500 over
    ("박철호", "교통행정과", date(2026, 4, 1), "중식", 8000),  # an ordinary Wednesday
]
WEEKDAY = "월화수목금토일"


def flat() -> bytes:
    """Layout A: header on row 1, Excel dates."""
    rows = [("성명", "부서", "일자", "구분", "금액")]
    rows += [(n, d, datetime(w.year, w.month, w.day), m, a) for n, d, w, m, a in MEALS]
    return workbook({"Sheet1": rows})


def committee_files() -> list[tuple[str, bytes]]:
    """Three member-list files: a title row, a sheet per committee (one without birth dates), a 위원회 column.
    Who is who is worked out in tests/unit/test_committee_tool.py."""
    planning = workbook(
        {
            "Sheet1": [
                ("도시계획위원회 위원 명단", None, None, None, None),
                (None,) * 5,
                ("연번", "성명", "생년월일", "소속", "연락처"),
                (1, "홍길동 위원", date(1970, 1, 2), "서울대학교", "010-1111-2222"),
                (2, "김영수", "1965.05.05", "한국개발연구원", "010-3333-4444"),
                (3, "이민정", "1980-03-03", "광주시의회", None),
            ]
        },
        {"Sheet1": ["A1:E1"]},
    )
    several = workbook(
        {
            "건축위원회": [
                ("성명", "생년월일", "소속"),
                ("홍 길동", "700102", "서울대"),
                ("김영수", "1972-07-07", "부산대학교"),
            ],
            "교통위원회": [
                ("이름", "출생일", "직장"),
                ("홍길동 교수", "1970.1.2", "서울대 행정학과"),
                ("김영수 박사", "1965-05-05", "KDI"),
            ],
            "인사위원회": [("위원명", "소속기관"), ("홍길동님", "서울대학교"), ("이민정", "광주시의회 의원")],
        }
    )
    integrity = workbook(
        {
            "Sheet1": [
                ("위원회", "성명", "생년월일"),
                ("청렴위원회", "홍길동", "1970-01-02"),
                ("청렴위원회", "김영수", "19650505"),
                ("정보공개심의회", "홍길동", date(1970, 1, 2)),
            ]
        }
    )
    return [("도시계획위원회.xlsx", planning), ("위원명단.xlsx", several), ("청렴.xlsx", integrity)]

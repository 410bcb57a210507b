"""The spreadsheet readers: any column order, header spelling, title rows, merged header band, blank rows, date
written as an Excel date or text, and sheet-per-month split read the same records."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from assistants.skills.committees import read_committee_workbook
from assistants.skills.meals import read_meal_workbook
from assistants.skills.sheets import parse_amount, parse_date, year_month_in
from bot.documents import DocumentLimits
from tests.support.sheets import workbook

SPELLINGS = {
    "name": ["성명", "이름", "성 명", "직원명"],
    "department": ["부서", "소속", "부서명", "소속 부서"],
    "date": ["일자", "날짜", "식사일자", "이용일"],
    "meal": ["구분", "식사구분", "끼니"],
    "amount": ["금액", "식대", "금액(원)", "이용 금액"],
}
NAMES = ["김민수", "이영희", "박철호", "최지현", "정서연"]
DEPARTMENTS = ["총무과", "교통행정과", "복지정책과"]

meal = st.tuples(
    st.sampled_from(NAMES),
    st.sampled_from(DEPARTMENTS),
    st.dates(date(2025, 1, 1), date(2026, 12, 31)),
    st.sampled_from(["조식", "중식", "석식"]),
    st.integers(1000, 20000),
)


def as_text(day: date, style: int) -> object:
    return [
        datetime(day.year, day.month, day.day),
        f"{day:%Y-%m-%d}",
        f"{day.year}.{day.month}.{day.day}",
        f"{day:%Y%m%d}",
        f"{day.year}년 {day.month}월 {day.day}일",
        (day - date(1899, 12, 30)).days,  # a serial number whose cell lost its date format
    ][style]


@st.composite
def layouts(draw):
    meals = draw(st.lists(meal, min_size=1, max_size=25))
    order = draw(st.permutations(["name", "department", "date", "meal", "amount"]))
    spelling = {f: draw(st.sampled_from(SPELLINGS[f])) for f in order}
    titles = draw(st.integers(0, 3))
    band = draw(st.booleans())  # a merged "식사 내역" band over the columns after the first, header on two rows
    blanks = draw(st.lists(st.integers(0, len(meals)), max_size=4))
    date_style = draw(st.integers(0, 5))
    amount_text = draw(st.booleans())
    per_month = draw(st.booleans())
    return meals, order, spelling, titles, band, blanks, date_style, amount_text, per_month


def build(layout) -> bytes:
    meals, order, spelling, titles, band, blanks, date_style, amount_text, per_month = layout
    width = len(order)
    groups: dict[str, list] = {}
    for item in meals:
        groups.setdefault(f"{item[2].year}년 {item[2].month}월" if per_month else "식비", []).append(item)
    sheets, merges = {}, {}
    for title, items in groups.items():
        rows: list[tuple[object, ...]] = [("구내식당 이용 내역",) + (None,) * (width - 1) for _ in range(titles)]
        sheet_merges = [f"A{i}:{get_column_letter(width)}{i}" for i in range(1, titles + 1)]
        header = tuple(spelling[f] for f in order)
        if band:
            top = titles + 1
            rows.append((header[0], "식사 내역") + (None,) * (width - 2))
            rows.append((None,) + header[1:])
            sheet_merges += [f"A{top}:A{top + 1}", f"B{top}:{get_column_letter(width)}{top}"]
        else:
            rows.append(header)
        for index, (name, department, day, kind, amount) in enumerate(items):
            if index in blanks:
                rows.append((None,) * width)
            values = {
                "name": name,
                "department": department,
                "date": as_text(day, date_style),
                "meal": kind,
                "amount": f"{amount:,}원" if amount_text else amount,
            }
            rows.append(tuple(values[f] for f in order))
        sheets[title] = rows
        merges[title] = sheet_merges
    return workbook(sheets, merges)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layouts())
def test_any_meal_layout_reads_the_same_records(layout) -> None:
    book = read_meal_workbook("식비.xlsx", build(layout), 10_000, DocumentLimits())
    read = Counter((r.name, r.department, r.day, r.meal, r.amount) for r in book.records)
    assert read == Counter(layout[0])
    assert book.skipped == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    members=st.lists(
        st.tuples(st.sampled_from(NAMES), st.dates(date(1950, 1, 1), date(1999, 12, 31)), st.sampled_from(DEPARTMENTS)),
        min_size=1,
        max_size=15,
    ),
    order=st.permutations(["성명", "생년월일", "소속"]),
    titles=st.integers(0, 3),
    blanks=st.lists(st.integers(0, 15), max_size=3),
)
def test_any_member_list_layout_reads_the_same_members(members, order, titles, blanks) -> None:
    rows: list[tuple[object, ...]] = [("건축위원회 위원 명단", None, None) for _ in range(titles)]
    rows.append(tuple(order))
    for index, (name, born, where) in enumerate(members):
        if index in blanks:
            rows.append((None, None, None))
        values = {"성명": name, "생년월일": f"{born:%Y.%m.%d}", "소속": where}
        rows.append(tuple(values[c] for c in order))
    data = workbook({"명단": rows}, {"명단": [f"A{i}:C{i}" for i in range(1, titles + 1)]})
    book = read_committee_workbook("건축위원회.xlsx", data, 1000, DocumentLimits())
    assert Counter((m.name, m.birth, m.affiliation) for m in book.members) == Counter(members)
    assert {m.committee for m in book.members} == {"건축위원회"}


def test_values() -> None:
    assert parse_date("2026.3.2(월)") == date(2026, 3, 2)
    assert parse_date("26-03-02") == date(2026, 3, 2)
    assert parse_date("3월 2일", 2026) == date(2026, 3, 2)
    assert parse_date(2, 2026, 3) == date(2026, 3, 2) and parse_date(2) is None
    assert parse_date(46083) == date(2026, 3, 2)
    assert parse_date("2026-02-30") is None
    assert year_month_in("Sheet1", "2026년 3월 식비 내역") == (2026, 3)
    assert year_month_in("3월", "", "2026년 식비.xlsx") == (2026, 3)
    assert (parse_amount("8,000원"), parse_amount(7999.6), parse_amount("무료")) == (8000, 8000, None)
    assert date(1899, 12, 30) + timedelta(days=46083) == date(2026, 3, 2)

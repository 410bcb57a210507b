"""식비 집계 on hand-checked cases: three office layouts of the same seven meals give the same figures."""

from __future__ import annotations

from datetime import date

import pytest

from assistants.skills.meals import MealArgs, MealSettings, meal_tool, read_meal_workbook
from assistants.skills.meals.skill import asks_for_meals, parse_meal_args
from assistants.skills.sheets import SheetError
from bot.documents import DocumentLimits
from tests.support.sheets import MEALS, WEEKDAY, flat, read_back, workbook


def titled_with_merged_header() -> bytes:
    """Layout B: a merged title, a two-row header with a merged "식사 내역" band, text dates and amounts, a 합계 row."""
    rows: list[tuple[object, ...]] = [
        ("2026년 구내식당 식비 내역", None, None, None, None, None),
        (None,) * 6,
        ("번호", "성 명", "소속", "식사 내역", None, None),
        (None, None, None, "날짜", "식사구분", "식대(원)"),
    ]
    for i, (n, d, w, m, a) in enumerate(MEALS, start=1):
        rows.append((i, n, d, f"{w:%Y.%m.%d}({WEEKDAY[w.weekday()]})", m, f"{a:,}원"))
        if i == 3:
            rows.append((None,) * 6)  # a blank row in the middle
    rows.append(("합계", None, None, None, None, f"{sum(a for *_, a in MEALS):,}"))
    merges = ["A1:F1", "D3:F3", "A3:A4", "B3:B4", "C3:C4"]
    return workbook({"식비": rows}, {"식비": merges})


def sheet_per_month() -> bytes:
    """Layout C: one sheet per month named "2026년 3월", day numbers only, other column spellings."""
    sheets: dict[str, list[tuple[object, ...]]] = {}
    for n, d, w, m, a in MEALS:
        sheet = sheets.setdefault(f"{w.year}년 {w.month}월", [("이름", "부서명", "일", "끼니", "이용금액")])
        sheet.append((n, d, w.day, m, a))
    return workbook(sheets)


def books(data: bytes, name: str = "식비.xlsx"):
    return [read_meal_workbook(name, data, 10_000, DocumentLimits())]


@pytest.mark.parametrize("layout", [flat, titled_with_merged_header, sheet_per_month])
def test_three_layouts_give_the_hand_checked_totals(layout) -> None:
    """By hand (limit 8,000): 7 meals, 8000+8000+9000+7000+8000+8500+8000 = 56,500 won.
    총무과: 김민수 3 + 이영희 1 = 4 meals, 8000+8000+9000+7000 = 32,000, flagged 3 (dup, over, holiday).
    교통행정과: 박철호 3 meals, 8000+8500+8000 = 24,500, flagged 2 (3/7 weekend; 3/1 weekend+holiday+over).
    March: 6 meals, 56,500 - 8,000 = 48,500, flagged 5; April: 1 meal, 8,000, flagged 0.
    Flags: 중복 1 (row 2), 주말 2 (3/7, 3/1), 공휴일 2 (3/2, 3/1), 한도 초과 2 (9,000 and 8,500)."""
    report = meal_tool(MealArgs(), books(layout()), MealSettings())
    assert (report.meals, report.amount, len(report.people)) == (7, 56_500, 3)
    assert {d: (len(x.people), x.meals, x.amount, x.flagged) for d, x in report.departments.items()} == {
        "교통행정과": (1, 3, 24_500, 2),
        "총무과": (2, 4, 32_000, 3),
    }
    assert {m: (x.meals, x.amount, x.flagged) for m, x in report.months.items()} == {
        "2026-03": (6, 48_500, 5),
        "2026-04": (1, 8_000, 0),
    }
    assert report.counts == {"중복": 1, "주말": 2, "공휴일": 2, "한도 초과": 2}
    flags = {(f.record.name, f.record.day, f.record.meal, f.record.amount): f.flags for f in report.flagged}
    assert flags[("박철호", date(2026, 3, 1), "중식", 8500)] == ("주말", "공휴일(삼일절)", "한도 초과(+500원)")
    assert flags[("이영희", date(2026, 3, 2), "중식", 7000)] == ("공휴일(삼일절 대체 휴일)",)
    assert flags[("김민수", date(2026, 3, 3), "석식", 9000)] == ("한도 초과(+1,000원)",)
    assert len(report.flagged) == 5
    people = {(r["성명"], r["부서"]): (r["식수"], r["금액"], r["표시 건수"]) for r in read_back(report.xlsx, "개인별")}
    assert people == {
        ("김민수", "총무과"): (3, 25_000, 2),
        ("이영희", "총무과"): (1, 7_000, 1),
        ("박철호", "교통행정과"): (3, 24_500, 2),
    }
    assert "56,500원" in report.text and "김민수" not in report.text  # names only in the file


def test_month_department_and_limit_arguments() -> None:
    """March only with a 8,500 limit: 6 meals, 48,500; over the limit only the 9,000 dinner (8,500 is not over).
    총무과 in March: 김민수 8000+8000+9000 and 이영희 7000 = 4 meals, 32,000."""
    data = books(flat())
    march = meal_tool(MealArgs(month="2026-03", per_meal_limit=8500), data, MealSettings())
    assert (march.meals, march.amount, march.counts["한도 초과"]) == (6, 48_500, 1)
    office = meal_tool(MealArgs(department="총 무 과"), data, MealSettings())
    assert (office.meals, office.amount, list(office.departments)) == (4, 32_000, ["총무과"])


def test_duplicates_without_a_meal_column_need_the_same_amount() -> None:
    """Without 구분, lunch and dinner of one day can only be told apart by amount: 8,000 twice on 3/3 is one
    duplicate, 9,000 that day is not. 3 meals, 25,000 won."""
    rows = [("성명", "부서", "일자", "금액")] + [(n, d, w, a) for n, d, w, _m, a in MEALS[:3]]
    report = meal_tool(MealArgs(), books(workbook({"Sheet1": rows})), MealSettings())
    assert (report.meals, report.amount, report.counts["중복"]) == (3, 25_000, 1)


def test_office_holidays_and_employee_ids() -> None:
    """An office day off (3/4) is flagged as a holiday; the same 사번 under two spellings of a name is one person."""
    rows = [("사번", "성명", "부서", "일자", "금액"), ("A1", "김민수", "총무과", date(2026, 3, 4), 7000)]
    rows.append(("A1", "김 민수", "총무과", date(2026, 3, 5), 7000))
    settings = MealSettings(office_holidays=[date(2026, 3, 4)])
    report = meal_tool(MealArgs(), books(workbook({"Sheet1": rows})), settings)
    assert report.counts["공휴일"] == 1 and len(report.people) == 1


def test_unreadable_rows_are_listed_not_guessed() -> None:
    rows = [
        ("성명", "부서", "일자", "금액"),
        ("김민수", "총무과", "언젠가", 8000),
        ("", "총무과", date(2026, 3, 3), 8000),
    ]
    rows.append(("이영희", "총무과", date(2026, 3, 3), "무료"))
    book = books(workbook({"Sheet1": rows}))[0]
    assert book.records == []
    assert [(s.row, s.reason) for s in book.skipped] == [(2, "date"), (3, "name"), (4, "amount")]


def test_bad_files_are_refused_with_what_to_do() -> None:
    with pytest.raises(SheetError) as error:
        read_meal_workbook("식비.xls", b"\xd0\xcf\x11\xe0", 100, DocumentLimits())
    assert "xlsx" in error.value.message("ko").lower() and "저장" in error.value.message("ko")
    with pytest.raises(SheetError) as error:
        read_meal_workbook("식비.xlsx", workbook({"Sheet1": [("가", "나"), (1, 2)]}), 100, DocumentLimits())
    assert "머리글" in error.value.message("ko") and "header" in error.value.message("en")
    with pytest.raises(SheetError) as error:
        read_meal_workbook("식비.xlsx", flat(), 5, DocumentLimits())
    assert error.value.key == "sheet_too_many_rows" and "나누어" in error.value.message("ko")


def test_command_words_fill_the_argument_model() -> None:
    args = parse_meal_args("2026년 3월 한도 9,000원 부서 총무과")
    assert (args.month, args.per_meal_limit, args.department) == ("2026-03", 9000, "총무과")
    assert parse_meal_args("") == MealArgs()
    with pytest.raises(ValueError):
        parse_meal_args("2026-13")


def test_requests_in_words() -> None:
    assert asks_for_meals("3월 식비 집계해줘") and asks_for_meals("식당 이용 내역 정리 부탁해요")
    assert not asks_for_meals("식비 규정이 뭐야?") and not asks_for_meals("회의록 정리해줘")

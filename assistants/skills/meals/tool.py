"""The 식비 집계 tool: (arguments, parsed workbooks) -> a Markdown reply and an XLSX file. Pure and exact.

A model (or the `/식비` command) fills in MealArgs; `meal_tool` computes. Totals count every meal as recorded;
flags say which ones an official should look at: 중복 (the same person, day and meal again; without a meal
column, the same person, day and amount), 주말, 공휴일 (Korean public holidays from the `holidays` library plus the
office's own days off), 한도 초과 (over the per-meal limit)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from assistants.skills.meals.reading import MealBook, MealRecord
from assistants.skills.sheets.xlsx import table_cell, xlsx_bytes
from bot.i18n import t


class MealSettings(BaseModel):
    """app.yaml `meals:`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    per_meal_limit: int = Field(8000, ge=1, le=1_000_000, description="1식 한도(원): 넘으면 '한도 초과'로 표시")
    max_rows: int = Field(100_000, ge=1, le=1_000_000, description="한 파일에서 읽는 최대 행 수")
    office_holidays: list[date] = Field(default_factory=list, description="기관 자체 휴무일(창립기념일 등)")


class MealArgs(BaseModel):
    """What a model or the `/식비` command fills in; everything optional (the whole file, the office's limit)."""

    model_config = ConfigDict(extra="forbid")

    month: str | None = Field(None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="집계할 달(YYYY-MM), 없으면 전체")
    department: str | None = Field(None, max_length=50, description="이 부서만 집계(띄어쓰기 무관), 없으면 전체")
    per_meal_limit: int | None = Field(None, ge=1, le=1_000_000, description="1식 한도(원), 없으면 기관 설정값")


TOOL_NAME = "meal_costs"
TOOL_DESCRIPTION = (
    "첨부한 구내식당 식비 내역(XLSX)을 개인·부서·월별로 집계하고 중복·주말·공휴일·1식 한도 초과를 표시합니다. "
    "Totals attached cafeteria meal records per person, department and month; flags duplicates, weekends, "
    "public holidays and meals over the per-meal limit. Fill only what the official said."
)


@dataclass(frozen=True, slots=True)
class Flagged:
    record: MealRecord
    flags: tuple[str, ...]  # "중복(3행)", "주말", "공휴일(삼일절)", "한도 초과(+1,000원)"


@dataclass(slots=True)
class Totals:
    meals: int = 0
    amount: int = 0
    flagged: int = 0
    people: set[tuple[str, str, str]] = field(default_factory=set)


@dataclass(slots=True)
class MealReport:
    """The tool's answer: `text` (Markdown for the chat, no names), `xlsx` (every figure and flagged row)."""

    text: str
    xlsx: bytes
    file_name: str
    meals: int
    amount: int
    people: dict[tuple[str, str, str], Totals]
    departments: dict[str, Totals]
    months: dict[str, Totals]
    flagged: list[Flagged]
    counts: dict[str, int]  # flag kind -> rows


def person_key(record: MealRecord) -> tuple[str, str, str]:
    """(employee id, name, department): the id alone identifies when present; else name and department."""
    if record.employee_id:
        return (record.employee_id, "", "")
    return ("", re.sub(r"\s", "", record.name), re.sub(r"\s", "", record.department))


def _holidays(years: set[int], extra: Sequence[date]) -> dict[date, str]:
    import holidays

    days: dict[date, str] = dict(holidays.country_holidays("KR", years=sorted(years), language="ko").items())
    days.update({d: "기관 휴무일" for d in extra})
    return days


def _in_scope(record: MealRecord, args: MealArgs) -> bool:
    if args.month and f"{record.day:%Y-%m}" != args.month:
        return False
    if args.department:
        return re.sub(r"\s", "", args.department) in re.sub(r"\s", "", record.department)
    return True


def flag_meals(records: Sequence[MealRecord], limit: int, days_off: dict[date, str]) -> list[Flagged]:
    """Every record with its flags (possibly none), in the order read."""
    first_seen: dict[tuple[object, ...], MealRecord] = {}
    out: list[Flagged] = []
    for record in records:
        flags: list[str] = []
        meal = re.sub(r"\s", "", record.meal)
        key = (person_key(record), record.day, meal, None if meal else record.amount)
        if key in first_seen:
            earlier = first_seen[key]
            where = f"{earlier.row}행" if earlier.sheet == record.sheet else f"{earlier.sheet} {earlier.row}행"
            flags.append(f"중복({where})")
        else:
            first_seen[key] = record
        if record.day.weekday() >= 5:
            flags.append("주말")
        if record.day in days_off:
            flags.append(f"공휴일({days_off[record.day]})")
        if record.amount > limit:
            flags.append(f"한도 초과(+{record.amount - limit:,}원)")
        out.append(Flagged(record, tuple(flags)))
    return out


def _kind(flag: str) -> str:
    return flag.split("(", 1)[0]


def aggregate_meals(args: MealArgs, books: Sequence[MealBook], settings: MealSettings) -> MealReport:
    """Totals per person, department and month, and the flagged rows, of the records in scope."""
    limit = args.per_meal_limit or settings.per_meal_limit
    records = [r for book in books for r in book.records if _in_scope(r, args)]
    days_off = _holidays({r.day.year for r in records}, settings.office_holidays) if records else {}
    flagged = flag_meals(records, limit, days_off)
    people: dict[tuple[str, str, str], Totals] = defaultdict(Totals)
    departments: dict[str, Totals] = defaultdict(Totals)
    months: dict[str, Totals] = defaultdict(Totals)
    counts: dict[str, int] = {"중복": 0, "주말": 0, "공휴일": 0, "한도 초과": 0}
    for item in flagged:
        record, key = item.record, person_key(item.record)
        for totals in (people[key], departments[record.department or "-"], months[f"{record.day:%Y-%m}"]):
            totals.meals += 1
            totals.amount += record.amount
            totals.flagged += bool(item.flags)
            totals.people.add(key)
        for kind in {_kind(f) for f in item.flags}:
            counts[kind] += 1
    report = MealReport(
        text="",
        xlsx=b"",
        file_name=f"식비집계_{args.month or 'all'}.xlsx",
        meals=len(records),
        amount=sum(r.amount for r in records),
        people=dict(people),
        departments=dict(sorted(departments.items())),
        months=dict(sorted(months.items())),
        flagged=[f for f in flagged if f.flags],
        counts=counts,
    )
    report.xlsx = meal_xlsx(report, flagged, books, limit)
    return report


def meal_markdown(report: MealReport, args: MealArgs, books: Sequence[MealBook], limit: int, locale: str) -> str:
    """The chat reply: totals per department and month and the flag counts; names stay in the XLSX."""
    skipped = sum(len(b.skipped) for b in books)
    lines = [
        t(
            "meals_summary",
            locale,
            files=len(books),
            sheets=sum(len(b.sheets) for b in books),
            meals=report.meals,
            amount=f"{report.amount:,}",
            people=len(report.people),
            limit=f"{limit:,}",
            scope=" · ".join(x for x in (args.month, args.department) if x) or t("meals_scope_all", locale),
        ),
        t(
            "meals_flags",
            locale,
            duplicates=report.counts["중복"],
            weekends=report.counts["주말"],
            holidays=report.counts["공휴일"],
            over=report.counts["한도 초과"],
        ),
    ]
    if skipped:
        lines.append(t("meals_skipped", locale, count=skipped))
    unread = [f"{b.file}:{s}" for b in books for s in b.unread_sheets]
    if unread:
        lines.append(t("meals_unread_sheets", locale, sheets=", ".join(unread[:10])))
    lines += [
        "",
        t("meals_by_department", locale),
        "",
        t("meals_department_header", locale),
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {table_cell(name)} | {len(x.people)} | {x.meals} | {x.amount:,} | {x.flagged} |"
        for name, x in report.departments.items()
    ]
    lines += ["", t("meals_by_month", locale), "", t("meals_month_header", locale), "|---|---:|---:|---:|"]
    lines += [f"| {month} | {x.meals} | {x.amount:,} | {x.flagged} |" for month, x in report.months.items()]
    lines += ["", t("meals_file_note", locale)]
    return "\n".join(lines)


def meal_xlsx(report: MealReport, flagged: Sequence[Flagged], books: Sequence[MealBook], limit: int) -> bytes:
    first: dict[tuple[str, str, str], MealRecord] = {}
    for item in flagged:
        first.setdefault(person_key(item.record), item.record)
    people_rows = sorted(
        (
            (first[k].employee_id, first[k].name, first[k].department, x.meals, x.amount, x.flagged)
            for k, x in report.people.items()
        ),
        key=lambda row: (row[2], row[1], row[0]),
    )

    def record_row(item: Flagged) -> tuple[object, ...]:
        r = item.record
        return (
            r.file,
            r.sheet,
            r.row,
            r.employee_id,
            r.name,
            r.department,
            r.day,
            r.meal,
            r.amount,
            ", ".join(item.flags),
        )

    record_header = ("파일", "시트", "행", "사번", "성명", "부서", "일자", "구분", "금액", "표시")
    return xlsx_bytes(
        [
            ("개인별", ("사번", "성명", "부서", "식수", "금액", "표시 건수"), people_rows),
            (
                "부서별",
                ("부서", "인원", "식수", "금액", "표시 건수"),
                [(d, len(x.people), x.meals, x.amount, x.flagged) for d, x in report.departments.items()],
            ),
            (
                "월별",
                ("월", "식수", "금액", "표시 건수"),
                [(m, x.meals, x.amount, x.flagged) for m, x in report.months.items()],
            ),
            ("확인 필요", record_header, [record_row(f) for f in flagged if f.flags]),
            (
                "읽지 못한 행",
                ("파일", "시트", "행", "읽지 못한 값"),
                [
                    (s.file, s.sheet, s.row, {"name": "성명", "date": "일자", "amount": "금액"}[s.reason])
                    for b in books
                    for s in b.skipped
                ],
            ),
            (
                "안내",
                ("항목", "값"),
                [
                    ("식사 기록", report.meals),
                    ("합계(원)", report.amount),
                    ("1식 한도(원)", limit),
                    *((f"{k} 건수", v) for k, v in report.counts.items()),
                    ("공휴일 기준", "holidays 라이브러리의 대한민국 공휴일(대체공휴일 포함) + 기관 휴무일"),
                ],
            ),
        ]
    )


def meal_tool(args: MealArgs, books: Sequence[MealBook], settings: MealSettings, locale: str = "ko") -> MealReport:
    """The whole tool: aggregate, then the chat text. What a model's tool call or `/식비` runs (off the loop)."""
    report = aggregate_meals(args, books, settings)
    report.text = meal_markdown(report, args, books, args.per_meal_limit or settings.per_meal_limit, locale)
    return report

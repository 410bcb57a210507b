"""The breakdown as a reply (Markdown table per day and item) and as a statement to sign (XLSX)."""

from __future__ import annotations

import io

from assistants.tools.travel.calculator import Breakdown, won
from assistants.tools.travel.parsing import TRANSPORT_LABELS
from assistants.tools.travel.settings import TravelSettings

WEEKDAY = "월화수목금토일"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _day(breakdown: Breakdown, index_of: dict, line_day) -> str:
    if line_day is None:
        return "전체"
    return f"{index_of[line_day]}일차 {line_day:%m-%d}({WEEKDAY[line_day.weekday()]})"


def headline(breakdown: Breakdown) -> str:
    args = breakdown.args
    duration = "당일" if args.duration.nights == 0 else f"{args.duration.nights}박 {args.duration.days}일"
    kind = "근무지 내 출장" if breakdown.in_area else f"{breakdown.region}"
    return f"{args.destination} 출장 {args.start_date:%Y-%m-%d}부터 {duration} ({kind}, {TRANSPORT_LABELS[args.transport]})"


def rows(breakdown: Breakdown) -> list[tuple[str, str, str, str]]:
    """(day, item, basis, amount) rows as shown, the total last."""
    days = sorted({line.day for line in breakdown.lines if line.day is not None})
    index_of = {day: i + 1 for i, day in enumerate(days)}
    out = [(_day(breakdown, index_of, line.day), line.item, line.basis, won(line.amount)) for line in breakdown.lines]
    out.append(("", "합계", "", won(breakdown.total)))
    return out


def markdown(breakdown: Breakdown, settings: TravelSettings) -> str:
    lines = [
        f"**여비 계산** — {headline(breakdown)}",
        "",
        "| 일자 | 항목 | 산정 | 금액 |",
        "|---|---|---|---:|",
    ]
    for day, item, basis, amount in rows(breakdown):
        if item == "합계":
            lines.append(f"| | **합계** | | **{amount}** |")
        else:
            lines.append(f"| {day} | {item} | {basis} | {amount} |")
    lines.append("")
    lines.extend(f"- {note}" for note in breakdown.notes)
    lines.append(f"- 기준: {settings.source}. 현행 별표와 다르면 app.yaml `travel`을 고치세요.")
    return "\n".join(lines)


def xlsx(breakdown: Breakdown, settings: TravelSettings) -> bytes:
    """A one-sheet 여비 계산서: the trip, the rows of the reply, the total, and where the rates come from."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "여비 계산서"
    args = breakdown.args
    sheet.append(["여비 계산서"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["출장지", args.destination])
    sheet.append(["출발일", args.start_date.isoformat()])
    sheet.append(["기간", f"{args.duration.nights}박 {args.duration.days}일"])
    sheet.append(
        ["교통수단", TRANSPORT_LABELS[args.transport] + (f" ({args.transport_class})" if args.transport_class else "")]
    )
    sheet.append(["공용차량", "이용" if args.official_vehicle or args.transport == "official" else "이용하지 않음"])
    sheet.append([])
    sheet.append(["일자", "항목", "산정", "금액(원)"])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    days = sorted({line.day for line in breakdown.lines if line.day is not None})
    index_of = {day: i + 1 for i, day in enumerate(days)}
    for line in breakdown.lines:
        sheet.append([_day(breakdown, index_of, line.day), line.item, line.basis, line.amount])
        sheet.cell(sheet.max_row, 4).number_format = "#,##0"
    sheet.append(["", "합계", "", breakdown.total])
    sheet.cell(sheet.max_row, 2).font = Font(bold=True)
    sheet.cell(sheet.max_row, 4).font = Font(bold=True)
    sheet.cell(sheet.max_row, 4).number_format = "#,##0"
    sheet.append([])
    for note in breakdown.notes:
        sheet.append([note])
    sheet.append([f"기준: {settings.source} (기준표 {settings.table_date:%Y-%m-%d})"])
    sheet.append(["※ 금액은 govbot이 규정에 따라 계산했습니다. 제출 전 증빙과 현행 별표를 확인하세요."])
    for column, width in zip("ABCD", (18, 16, 48, 14), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=9):
        row[2].alignment = Alignment(wrap_text=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

"""Result workbooks for the sheet tools: bold frozen headers, and text a spreadsheet would run as a formula kept
as text (a name like "=HYPERLINK(…)" in an attached list must not become a live formula in our result)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Sheet = tuple[str, Sequence[str], Iterable[Sequence[object]]]


def table_cell(text: str) -> str:
    """Text for a Markdown table cell: a "|" or line break in a committee or department name must not split the row."""
    return " ".join(text.replace("|", "/").split())


def safe_cell(value: object) -> object:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and len(value) > 1:
        return "'" + value
    return value


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A write-only workbook of (title, header, rows) sheets; streams rows, so large results stay small in memory."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    write_sheets(book, sheets)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_sheets(book: Any, sheets: Iterable[Sheet]) -> None:
    """Appends each (title, header, rows) sheet to a write-only workbook: a bold, frozen header row, and cells a
    spreadsheet would run as formulas written as text."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    bold = Font(bold=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.freeze_panes = "A2"
        cells = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)
        for row in rows:
            sheet.append([safe_cell(v) for v in row])

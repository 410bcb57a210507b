"""Workbooks for the sheet-tool tests, built with openpyxl the way offices lay them out (no binary fixtures)."""

from __future__ import annotations

import io
from collections.abc import Sequence

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

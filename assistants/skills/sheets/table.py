"""Records out of an XLSX workbook whose layout is not known in advance.

Hand-kept office sheets put a title above the table, merge header cells (a "식사 내역" band over "일자/구분/금액",
or "성명" spanning two header rows), keep one sheet per month, and spell column names several ways. So: merged
ranges are filled with their value, the header is the row (or pair of rows) within the first rows that names the
required columns, and each field is found by its aliases. Pure: bytes in, records out (run in the document worker).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.documents.limits import DocumentLimits, LimitExceeded, check_archive
from bot.i18n import t

HEADER_SEARCH_ROWS = 30
MAX_HEADER_CHARS = 10  # longer cells are titles or notes, matched only by a whole alias
GENERIC_SHEET = re.compile(r"^(sheet|시트)\s*\d*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Column:
    """A field and the header names it goes by. `exact`: aliases only match a whole header (for short ones like
    "일" that occur inside other names); otherwise a header containing an alias also matches."""

    field: str
    aliases: tuple[str, ...]
    required: bool = False
    exact: bool = False


@dataclass(frozen=True, slots=True)
class Record:
    """One data row: field -> cell value as read (datetime, number or text), and where it came from."""

    sheet: str
    row: int  # the row number the official sees in Excel
    values: dict[str, object]


@dataclass(slots=True)
class SheetRead:
    """One sheet's table. `title`: the non-empty cells above the header, joined (e.g. "2026년 3월 식비 내역")."""

    name: str
    title: str
    header_row: int
    columns: dict[str, str]  # field -> the header text it was found under
    records: list[Record] = field(default_factory=list)
    skipped_rows: int = 0  # blank or total rows


@dataclass(slots=True)
class WorkbookRead:
    file: str
    sheets: list[SheetRead]
    unread_sheets: list[str] = field(default_factory=list)  # sheets without a recognisable header

    @property
    def records(self) -> list[Record]:
        return [record for sheet in self.sheets for record in sheet.records]


class SheetError(ValueError):
    """The workbook as a whole cannot be used; `key` names the sentence that says what to do."""

    def __init__(self, key: str, values: dict[str, object] | None = None):
        super().__init__(key)
        self.key = key
        self.values = dict(values or {})

    def __reduce__(self):
        return (SheetError, (self.key, self.values))  # crosses the worker process boundary intact

    def message(self, locale: str = "ko") -> str:
        return t(self.key, locale, **self.values)


def normalise_header(text: object) -> str:
    """A header cell compared without spaces, line breaks, bracketed units ("금액(원)") or case."""
    raw = re.sub(r"\([^)]*\)|\[[^]]*\]", "", str(text or ""))
    return re.sub(r"[\s·._:*※]", "", raw).casefold()


def _match(cell: object, columns: Sequence[Column]) -> str | None:
    header = normalise_header(cell)
    if not header:
        return None
    for column in columns:
        if header in (normalise_header(a) for a in column.aliases):
            return column.field
    best: tuple[int, str] | None = None
    if len(header) > MAX_HEADER_CHARS:
        return None  # a title ("2026년 3월 식비 집계표") names a field in passing; it is not that field's header
    for column in columns:
        if column.exact:
            continue
        for alias in column.aliases:
            key = normalise_header(alias)
            if len(key) >= 2 and key in header and (best is None or len(key) > best[0]):
                best = (len(key), column.field)
    return best[1] if best else None


def _mapping(rows: Sequence[Sequence[object]], columns: Sequence[Column]) -> dict[str, int]:
    """field -> column index for a header of one or more rows: each column's label is its lowest matching cell."""
    found: dict[str, int] = {}
    width = max((len(r) for r in rows), default=0)
    for index in range(width):
        for row in reversed(rows):
            name = _match(row[index], columns) if index < len(row) else None
            if name is not None:
                if name not in found:
                    found[name] = index
                break
    return found


def find_header(grid: Sequence[Sequence[object]], columns: Sequence[Column]) -> tuple[int, int, dict[str, int]] | None:
    """(first header row index, rows in the header, field -> column) of the best header in the first rows:
    every required field named, then the most fields, then the earliest row; None without one."""
    required = {c.field for c in columns if c.required}
    best: tuple[tuple[int, int, int], tuple[int, int, dict[str, int]]] | None = None
    for start in range(min(len(grid), HEADER_SEARCH_ROWS)):
        for depth in (1, 2):
            if start + depth > len(grid):
                continue
            mapping = _mapping(grid[start : start + depth], columns)
            if not required <= mapping.keys():
                continue
            score = (len(mapping), -depth, -start)
            if best is None or score > best[0]:
                best = (score, (start, depth, mapping))
        if best is not None and start > best[1][0] + 1:
            break  # the first complete header wins over later tables on the same sheet
    return best[1] if best else None


def _grid(sheet: Any) -> list[list[object]]:  # an openpyxl Worksheet (openpyxl ships no type hints)
    """The sheet's values with every merged range filled with its top-left value."""
    grid = [list(row) for row in sheet.iter_rows(values_only=True)]
    for merged in sheet.merged_cells.ranges:
        value = sheet.cell(merged.min_row, merged.min_col).value
        for r in range(merged.min_row - 1, min(merged.max_row, len(grid))):
            row = grid[r]
            if len(row) < merged.max_col:
                row.extend([None] * (merged.max_col - len(row)))
            for c in range(merged.min_col - 1, merged.max_col):
                row[c] = value
    return grid


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_sheet(
    name: str, grid: Sequence[Sequence[object]], columns: Sequence[Column], skip: re.Pattern[str] | None = None
) -> SheetRead | None:
    """The records of one sheet's grid (merged cells already filled), None when it has no header. Rows whose
    fields are all blank are skipped, and so are rows whose first text cell matches `skip` (합계, 소계 …)."""
    header = find_header(grid, columns)
    if header is None:
        return None
    start, depth, mapping = header
    title = " ".join(str(v).strip() for row in grid[:start] for v in row if not _blank(v))
    labels = {f: str(grid[start + depth - 1][i] or grid[start][i] or "") for f, i in mapping.items()}
    read = SheetRead(name, title, start + 1, labels)
    for offset, row in enumerate(grid[start + depth :], start=start + depth + 1):
        values = {f: (row[i] if i < len(row) else None) for f, i in mapping.items()}
        values = {f: (v.strip() if isinstance(v, str) else v) for f, v in values.items()}
        if all(_blank(v) for v in values.values()):
            read.skipped_rows += 1
            continue
        first_text = next((str(v) for v in row if isinstance(v, str) and v.strip()), "")
        if skip is not None and skip.search(first_text.replace(" ", "")):
            read.skipped_rows += 1
            continue
        read.records.append(Record(name, offset, values))
    return read


def read_workbook(
    file: str,
    data: bytes,
    columns: Sequence[Column],
    max_rows: int,
    limits: DocumentLimits,
    skip: re.Pattern[str] | None = None,
) -> WorkbookRead:
    """Every sheet of an XLSX file that has a recognisable header. Refuses, with a sentence saying what to do,
    a file that is not XLSX, is damaged, has more than `max_rows` rows, or has no sheet with the columns."""
    import openpyxl  # imported in the worker process that reads, not by the server at start

    if not file.lower().endswith((".xlsx", ".xlsm")) or not data.startswith(b"PK"):
        raise SheetError("sheet_not_xlsx", {"name": file})
    check_archive(data, limits)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise SheetError("sheet_damaged", {"name": file}) from None
    rows = sum(sheet.max_row for sheet in book.worksheets)
    if rows > max_rows:
        raise SheetError("sheet_too_many_rows", {"name": file, "rows": rows, "limit": max_rows})
    result = WorkbookRead(file, [])
    for sheet in book.worksheets:
        read = read_sheet(sheet.title, _grid(sheet), columns, skip)
        if read is None:
            result.unread_sheets.append(sheet.title)
        else:
            result.sheets.append(read)
    if not result.sheets:
        names = ", ".join(c.aliases[0] for c in columns if c.required)
        raise SheetError("sheet_no_header", {"name": file, "columns": names, "rows": HEADER_SEARCH_ROWS})
    return result


def is_generic_sheet_name(name: str) -> bool:
    """ "Sheet1", "시트1": a name Excel gave, which says nothing about the contents."""
    return bool(GENERIC_SHEET.match(name.strip()))


__all__ = [
    "Column",
    "LimitExceeded",
    "Record",
    "SheetError",
    "SheetRead",
    "WorkbookRead",
    "find_header",
    "is_generic_sheet_name",
    "normalise_header",
    "read_sheet",
    "read_workbook",
]

"""Reading the spreadsheets officials keep by hand (header rows not on row 1, merged header cells, one sheet per
month, Korean column names in several spellings, dates as Excel dates or text) into plain records that the
meal-cost and committee tools compute on. Pure: bytes in, records out; run in the document worker."""

from assistants.skills.sheets.table import Column, Record, SheetError, SheetRead, WorkbookRead, read_workbook
from assistants.skills.sheets.values import parse_amount, parse_date, year_month_in

__all__ = [
    "Column",
    "Record",
    "SheetError",
    "SheetRead",
    "WorkbookRead",
    "parse_amount",
    "parse_date",
    "read_workbook",
    "year_month_in",
]

"""Reading complaint lists: CSV/TSV/XLSX/text files and pasted text, in the shapes office systems export.

Columns are found by their Korean or English header names; text encodings UTF-8 and CP949/EUC-KR are
detected; a row that cannot be read is reported by its row number and skipped, never dropped silently.
Pure functions: bytes or text in, a ComplaintList out. Rows are read as a stream and reading stops at
`max_rows` (the list is refused, never half-analysed), so memory is bounded by the limit, not the file;
XLSX archives are checked against the document limits before any member is opened.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from itertools import islice

from assistants.skills.complaints.records import Complaint, ComplaintList, RowProblem, UnreadableList
from bot.documents.decode import Undecodable, decode_bytes
from bot.documents.limits import DocumentLimits, check_archive
from bot.i18n import ko_en, t

# Header names per field, compared after removing spaces, brackets and case.
ALIASES: dict[str, tuple[str, ...]] = {
    "id": (
        "접수번호",
        "민원번호",
        "신청번호",
        "관리번호",
        "번호",
        "순번",
        "연번",
        "no",
        "id",
        "number",
        "ticket",
        "caseid",
        "complaintid",
    ),
    "received": (
        "접수일",
        "접수일시",
        "접수일자",
        "접수날짜",
        "신청일",
        "신청일시",
        "신청일자",
        "등록일",
        "등록일시",
        "작성일",
        "작성일시",
        "일시",
        "일자",
        "날짜",
        "date",
        "received",
        "receivedat",
        "created",
        "createdat",
        "submitted",
        "datetime",
    ),
    "title": ("제목", "민원제목", "요지", "민원요지", "subject", "title"),
    "text": (
        "내용",
        "민원내용",
        "본문",
        "상세내용",
        "신청내용",
        "질의내용",
        "민원사항",
        "민원",
        "content",
        "body",
        "text",
        "description",
        "complaint",
        "details",
        "message",
    ),
    "location": (
        "위치",
        "주소",
        "장소",
        "발생장소",
        "발생위치",
        "발생지",
        "민원발생지",
        "소재지",
        "지역",
        "location",
        "address",
        "place",
    ),
    "complainant": (
        "민원인",
        "민원인명",
        "신청인",
        "신청인명",
        "성명",
        "이름",
        "작성자",
        "신고인",
        "name",
        "complainant",
        "requester",
        "applicant",
    ),
    "contact": (
        "연락처",
        "전화",
        "전화번호",
        "휴대폰",
        "핸드폰",
        "휴대전화",
        "휴대폰번호",
        "이메일",
        "전자우편",
        "phone",
        "contact",
        "tel",
        "mobile",
        "email",
        "e-mail",
    ),
    "department": ("처리부서", "담당부서", "부서", "소관부서", "처리기관", "department", "dept", "assignee"),
    "status": ("상태", "처리상태", "진행상태", "처리결과", "status", "state"),
}
_ALIAS_TO_FIELD = {alias: field for field, aliases in ALIASES.items() for alias in aliases}
HEADER_SCAN_ROWS = 10
_NUMBERED = re.compile(r"^\s*(?:\(?\d{1,5}[.)]|[①-⑳]|[-*•·▶▪○●])\s*")
MAX_TEXT = 5000  # characters of one complaint the analysis reads


def _fold(name: str) -> str:
    return re.sub(r"[\s()\[\]_./·:*]", "", str(name)).casefold()


def field_of(header: str) -> str | None:
    """The field a header names, or None ("민원 내용" → text, "연락처(휴대폰)" → contact)."""
    folded = _fold(header)
    if not folded:
        return None
    if folded in _ALIAS_TO_FIELD:
        return _ALIAS_TO_FIELD[folded]
    # "민원인 연락처", "상세 민원내용": the longest alias the header ends with, then one it starts with.
    for alias in sorted(_ALIAS_TO_FIELD, key=len, reverse=True):
        if len(alias) >= 2 and not alias.isascii() and (folded.endswith(alias) or folded.startswith(alias)):
            return _ALIAS_TO_FIELD[alias]
    return None


def map_header(cells: Sequence[str]) -> dict[str, int]:
    """Field -> column index for a header row; the first column wins when two name the same field."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        field = field_of(cell)
        if field and field not in found:
            found[field] = index
    return found


# ---- encodings ------------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name): UTF-8 (with or without BOM), UTF-16 with BOM, or CP949 (a superset of EUC-KR)."""
    try:
        return decode_bytes(data)
    except Undecodable as error:
        if error.marked:  # a byte-order mark names the encoding: bytes that break it are a damaged file
            raise UnreadableList(
                *ko_en("complaints_damaged_bom", encoding=error.encoding.upper(), byte=error.position)
            ) from None
        raise UnreadableList(*ko_en("complaints_unknown_encoding", byte=error.position)) from None


# ---- dates ----------------------------------------------------------------------------------

_DATE = re.compile(
    r"^\s*(\d{4})\s*[-./년]\s*(\d{1,2})\s*[-./월]\s*(\d{1,2})\s*일?\.?"
    r"(?:[\sT]+(?:(오전|오후|AM|PM)\s*)?(\d{1,2})\s*[:시]\s*(\d{1,2})?\s*분?(?:\s*[:]\s*(\d{1,2})(?:\.\d+)?)?\s*(?:(AM|PM|오전|오후))?)?\s*$",
    re.IGNORECASE,
)
_COMPACT_DATE = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})(?:\s*(\d{2}):?(\d{2})(?::?(\d{2}))?)?\s*$")


def parse_date(value: object) -> datetime | None:
    """A received date in the shapes office exports use; None when it cannot be read."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    text = str(value or "").strip()
    if not text:
        return None
    match = _DATE.match(text)
    try:
        if match:
            year, month, day, before, hour, minute, second, after = match.groups()
            h = int(hour or 0)
            marker = (before or after or "").upper()
            if marker in ("오후", "PM") and h < 12:
                h += 12
            if marker in ("오전", "AM") and h == 12:
                h = 0
            return datetime(int(year), int(month), int(day), h, int(minute or 0), int(second or 0))
        match = _COMPACT_DATE.match(text)
        if match:
            year, month, day, hour, minute, second = match.groups()
            return datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError:
        return None
    return None


# ---- rows -> complaints ---------------------------------------------------------------------


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour or value.minute) else value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _find_header(rows: Sequence[Sequence[object]]) -> tuple[int, dict[str, int]] | None:
    """The first of the top rows that names a text (or title) column plus at least one other field."""
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        mapping = map_header([_cell(c) for c in row])
        if ("text" in mapping or "title" in mapping) and len(mapping) >= 2:
            return index, mapping
        if "text" in mapping and len([c for c in row if _cell(c)]) == 1:
            return index, mapping  # a one-column list headed "내용"
    return None


def _no_text_column(rows: Sequence[Sequence[object]]) -> UnreadableList:
    first = next((r for r in rows if any(_cell(c) for c in r)), [])
    seen = ", ".join(f"'{_cell(c)}'" for c in first if _cell(c))[:300] or "(없음)"
    return UnreadableList(*ko_en("complaints_no_text_column", seen=seen))


def complaints_from_rows(
    rows: Sequence[Sequence[object]], source: str, *, encoding: str = "", first_row_number: int = 1
) -> ComplaintList:
    """Rows of cells (the header among the first rows) -> complaints; bad rows reported by number."""
    found = _find_header(rows)
    if found is None:
        widths = {len([c for c in r if _cell(c)]) for r in rows if any(_cell(c) for c in r)}
        if widths <= {1}:  # a single column without header: one complaint per row
            return _single_column(rows, source, encoding, first_row_number)
        raise _no_text_column(rows)
    header_index, mapping = found
    header = tuple(_cell(c) for c in rows[header_index])
    width = len(header)
    while width and not header[width - 1]:
        width -= 1
    result = ComplaintList([], source, encoding, header[:width], {f: header[i] for f, i in mapping.items()})
    for offset, raw in enumerate(rows[header_index + 1 :], start=header_index + 1):
        number = first_row_number + offset
        cells = [_cell(c) for c in raw]
        if not any(cells):
            continue  # a blank line separates nothing; it is not a complaint
        while len(cells) > width and not cells[-1]:
            cells.pop()
        if len(cells) > width:
            result.problems.append(
                RowProblem(number, *ko_en("complaints_row_too_many_values", width=width, cells=len(cells)))
            )
            continue
        complaint = _complaint(number, cells, mapping, result)
        if complaint is not None:
            result.complaints.append(complaint)
    return result


def _complaint(number: int, cells: list[str], mapping: dict[str, int], result: ComplaintList) -> Complaint | None:
    def get(field: str) -> str:
        index = mapping.get(field)
        return cells[index] if index is not None and index < len(cells) else ""

    title, body = get("title"), get("text")
    text = body if not title or title in body else f"{title}\n{body}" if body else title
    if not text.strip():
        missing = result.columns.get("text") or result.columns.get("title", "내용")
        result.problems.append(RowProblem(number, *ko_en("complaints_row_empty_cell", column=missing)))
        return None
    received_text = get("received")
    received = parse_date(received_text) if received_text else None
    if received_text and received is None:
        result.problems.append(
            RowProblem(number, *ko_en("complaints_row_bad_date", value=received_text[:30]), skipped=False)
        )
    return Complaint(
        row=number,
        text=text.strip()[:MAX_TEXT],
        id=get("id"),
        title=title,
        received=received,
        location=get("location"),
        complainant=get("complainant"),
        contact=get("contact"),
        department=get("department"),
        status=get("status"),
        original=tuple(cells),
    )


def _single_column(
    rows: Sequence[Sequence[object]], source: str, encoding: str, first_row_number: int
) -> ComplaintList:
    result = ComplaintList([], source, encoding, ("내용",), {"text": "내용"})
    for offset, raw in enumerate(rows):
        text = next((_cell(c) for c in raw if _cell(c)), "")
        if text:
            result.complaints.append(Complaint(row=first_row_number + offset, text=text[:MAX_TEXT], original=(text,)))
    return result


# ---- the row limit --------------------------------------------------------------------------


def too_many_rows(max_rows: int) -> UnreadableList:
    return UnreadableList(
        t("triage_too_many_rows", "ko", limit=max_rows), t("triage_too_many_rows", "en", limit=max_rows)
    )


def bounded_rows(rows: Iterable[Sequence[object]], max_rows: int | None) -> list[Sequence[object]]:
    """The header rows plus at most `max_rows` rows after the header; one row more refuses the list
    without reading the rest (a million-row file costs what the limit costs)."""
    stream = iter(rows)
    top = list(islice(stream, HEADER_SCAN_ROWS))
    if max_rows is None:
        return top + list(stream)
    found = _find_header(top)
    allowed = (found[0] + 1 if found else 0) + max_rows
    taken = top + list(islice(stream, max(0, allowed + 1 - len(top))))
    if len(taken) > allowed:
        raise too_many_rows(max_rows)
    return taken


# ---- file formats ---------------------------------------------------------------------------


def read_delimited(text: str, source: str, encoding: str = "", max_rows: int | None = None) -> ComplaintList:
    """CSV or TSV text (the delimiter is whichever the header line uses more)."""
    first_line = text[:65536].split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    try:
        rows = bounded_rows(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), max_rows)
    except csv.Error as error:
        raise UnreadableList(*ko_en("complaints_malformed_csv", error=error)) from None
    return complaints_from_rows(rows, source, encoding=encoding)


def read_xlsx(
    data: bytes, source: str, max_rows: int | None = None, limits: DocumentLimits = DocumentLimits()
) -> ComplaintList:
    """The first worksheet whose top rows hold a recognisable header (else the first sheet).
    Raises LimitExceeded for an archive that would unpack too far (checked before reading)."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    check_archive(data, limits)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as error:
        raise UnreadableList(*ko_en("complaints_xlsx_unreadable", error=type(error).__name__)) from None
    try:
        chosen = next(
            (s for s in book.worksheets if _find_header(list(islice(s.iter_rows(values_only=True), HEADER_SCAN_ROWS)))),
            book.worksheets[0] if book.worksheets else None,
        )
        rows = bounded_rows(chosen.iter_rows(values_only=True), max_rows) if chosen is not None else []
    finally:
        book.close()
    return complaints_from_rows(rows, source)


def read_text_list(text: str, source: str = "붙여넣은 목록", max_rows: int | None = None) -> ComplaintList:
    """One complaint per line, or numbered items ("1. …", "2) …", "① …") that may run over several lines.
    A list pasted from a spreadsheet (tab-separated, with a header) is read as a table."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = next((line for line in lines if line.strip()), "")
    if "\t" in first and _find_header([first.split("\t")]) is not None:
        return read_delimited("\n".join(lines), source, max_rows=max_rows)
    numbered = sum(1 for line in lines if _NUMBERED.match(line))
    result = ComplaintList([], source, "", ("내용",), {"text": "내용"})
    items: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if numbered >= 2 and not _NUMBERED.match(line) and items:
            items[-1] = (items[-1][0], items[-1][1] + " " + line.strip())  # a numbered item running on
            continue
        items.append((number, _NUMBERED.sub("", line, count=1).strip()))
        if max_rows is not None and len(items) > max_rows:
            raise too_many_rows(max_rows)
    for number, item in items:
        if item:
            result.complaints.append(Complaint(row=number, text=item[:MAX_TEXT], original=(item,)))
    return result


SUPPORTED = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")


def is_list_file(name: str) -> bool:
    return name.lower().endswith(SUPPORTED + (".xls",))


def is_workbook(name: str, data: bytes) -> bool:
    """An XLSX by content or name (read by openpyxl, so by a capped worker in the chat)."""
    return data.startswith(b"PK\x03\x04") or name.lower().endswith((".xlsx", ".xlsm"))


def read_file(
    name: str, data: bytes, max_rows: int | None = None, limits: DocumentLimits = DocumentLimits()
) -> ComplaintList:
    """Any supported file by its name (and, for XLSX, its content). Blocking: the chat runs it in a
    DocumentWorker process; UnreadableList past `max_rows`, LimitExceeded for a zip bomb."""
    lower = name.lower()
    if is_workbook(name, data):
        return read_xlsx(data, name, max_rows, limits)
    if lower.endswith(".xls") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableList(*ko_en("complaints_old_xls", name=name))
    text, encoding = decode(data)
    if lower.endswith(".txt"):
        return _with_encoding(read_text_list(text, name, max_rows), encoding)
    return read_delimited(text, name, encoding, max_rows)


def _with_encoding(result: ComplaintList, encoding: str) -> ComplaintList:
    result.encoding = encoding
    return result

"""One small reader per format, chosen by file name and content type; every failure is a reason a
person can act on, never an exception that loses the message."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

from bot.documents.decode import decode_bytes
from bot.documents.limits import DocumentLimits, LimitExceeded, check_archive, check_pages

MAX_CHARS = 60_000  # what one attachment may add to a question
_TEXT_SUFFIXES = (".txt", ".md", ".csv", ".json", ".log", ".tsv")


@dataclass(frozen=True, slots=True)
class Extracted:
    text: str
    error: str | None = None  # "reason" in Korean / English when nothing could be read
    truncated: bool = False


def decode_text(data: bytes) -> str:
    """Lenient: an attachment with a few broken bytes is still worth reading (they become U+FFFD)."""
    return decode_bytes(data, errors="replace")[0]


def _xlsx(data: bytes, limits: DocumentLimits) -> Iterator[str]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            yield f"## {sheet.title}"
            for row in sheet.iter_rows(values_only=True):
                cells = ["" if v is None else str(v) for v in row]
                if any(cells):
                    yield "\t".join(cells).rstrip("\t")
    finally:
        workbook.close()


def _docx(data: bytes, limits: DocumentLimits) -> Iterator[str]:
    from docx import Document

    document = Document(io.BytesIO(data))
    for paragraph in document.paragraphs:
        if paragraph.text.strip():
            yield paragraph.text
    for table in document.tables:
        for row in table.rows:
            yield "\t".join(cell.text.strip() for cell in row.cells)


def _hwpx(data: bytes, limits: DocumentLimits) -> Iterator[str]:
    """HWPX (한글 OWPML) is a zip of XML sections; paragraphs are `p` elements holding `t` runs."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sections = sorted(n for n in archive.namelist() if n.startswith("Contents/section") and n.endswith(".xml"))
        if not sections:
            raise ValueError("no Contents/section*.xml")
        for name in sections:
            root = ElementTree.fromstring(archive.read(name))
            for element in root.iter():
                if _local(element.tag) == "p":
                    text = "".join(t.text or "" for t in element.iter() if _local(t.tag) == "t")
                    if text.strip():
                        yield text


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _pdf(data: bytes, limits: DocumentLimits) -> Iterator[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        raise PermissionError("encrypted")
    check_pages(len(reader.pages), limits)
    for page in reader.pages:
        text = page.extract_text() or ""
        if text.strip():
            yield text


_READERS: dict[str, Callable[[bytes, DocumentLimits], Iterator[str]]] = {
    ".xlsx": _xlsx,
    ".docx": _docx,
    ".hwpx": _hwpx,
    ".pdf": _pdf,
}
_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/pdf": ".pdf",
    "application/hwp+zip": ".hwpx",
    "application/vnd.hancom.hwpx": ".hwpx",
}


def _kind(name: str, content_type: str) -> str | None:
    lowered = name.lower()
    for suffix in (*_READERS, *_TEXT_SUFFIXES):
        if lowered.endswith(suffix):
            return suffix
    if content_type in _TYPES:
        return _TYPES[content_type]
    if content_type.startswith("text/") or content_type in ("application/json", "application/csv"):
        return ".txt"
    return None


def is_archive_or_pdf(name: str, content_type: str = "") -> bool:
    """Whether reading the file runs a parser that a hostile file can make costly (a worker's job);
    plain text costs one decode of at most the upload size."""
    return _kind(name, content_type) in _READERS


def readable(name: str, content_type: str = "") -> bool:
    """Whether govbot can take text out of a file like this."""
    return _kind(name, content_type) is not None


def extract_text(
    name: str, content_type: str, data: bytes, limit: int = MAX_CHARS, limits: DocumentLimits = DocumentLimits()
) -> Extracted:
    """The text of one attachment. Blocking and costly for hostile files: run it in a DocumentWorker."""
    kind = _kind(name, content_type)
    if kind is None:
        return Extracted(
            "",
            "읽을 수 있는 형식이 아닙니다(TXT, CSV, XLSX, DOCX, HWPX, PDF) / not a readable format (TXT, CSV, XLSX, DOCX, HWPX, PDF)",
        )
    if kind not in _READERS:
        text = decode_text(data)
    else:
        try:
            if kind != ".pdf":
                check_archive(data, limits)  # before any member is read
            text = "\n".join(_bounded(_READERS[kind](data, limits), limit))
        except LimitExceeded as error:
            return Extracted("", error.both())
        except MemoryError:
            return Extracted("", LimitExceeded("limit_memory", {"limit": limits.memory_mb}).both())
        except PermissionError:
            return Extracted(
                "",
                "암호가 걸린 문서입니다. 암호를 풀고 다시 올려 주세요 / the document is password-protected; remove the password and upload it again",
            )
        except Exception:  # noqa: BLE001 - any parser failure means a damaged or mislabelled file
            return Extracted(
                "",
                "파일이 손상되었거나 확장자와 내용이 다릅니다. 원본을 다시 저장해 올려 주세요 / the file is damaged or not what its name says; save it again and upload",
            )
        if not text.strip():
            reason = (
                "글자를 찾지 못했습니다(스캔한 이미지 PDF일 수 있습니다) / no text found (a scanned image?)"
                if kind == ".pdf"
                else "내용이 비어 있습니다 / the file is empty"
            )
            return Extracted("", reason)
    return Extracted(text[:limit], None, len(text) > limit)


def _bounded(lines: Iterator[str], limit: int) -> Iterator[str]:
    """Stop reading once the limit is passed, so a huge workbook costs no more than its first part."""
    total = 0
    for line in lines:
        yield line
        total += len(line) + 1
        if total > limit:
            return

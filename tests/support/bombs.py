"""Zip bombs in real office-file shapes: a small DOCX/HWPX/XLSX whose one XML member unpacks to
hundreds of MB of filler that stays valid XML (spaces, empty rows), built by streaming so the test
itself never holds the unpacked size in memory."""

from __future__ import annotations

import io
import zipfile
from functools import cache

from tests.support.documents import docx_bytes, hwpx_bytes, xlsx_bytes

MB = 1024 * 1024
_CHUNK = 1 * MB

# (format, the member to inflate, the text the filler goes in front of, filler unit)
_SHAPES = {
    "docx": ("word/document.xml", "</w:body>", " "),
    "hwpx": ("Contents/section0.xml", "</hs:sec>", " "),
    "xlsx": ("xl/worksheets/sheet1.xml", "</sheetData>", "<row/>"),
}


def _valid(kind: str) -> bytes:
    if kind == "docx":
        return docx_bytes(["한빛로 가로등 민원 처리 결과 보고"])
    if kind == "hwpx":
        return hwpx_bytes(["한빛로 가로등 민원 처리 결과 보고"])
    return xlsx_bytes([["번호", "내용"], [1, "한빛로 가로등이 꺼져 있습니다"]])


@cache  # deflating hundreds of MB takes seconds: build each bomb once per test session
def office_bomb(kind: str, unpacked_mb: int = 300) -> bytes:
    """A valid `kind` file whose main XML member unpacks to about `unpacked_mb` MB."""
    member, before, unit = _SHAPES[kind]
    source = zipfile.ZipFile(io.BytesIO(_valid(kind)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename != member:
                archive.writestr(info.filename, data)
                continue
            head, tail = data.decode("utf-8").split(before, 1)
            chunk = (unit * (_CHUNK // len(unit))).encode()
            with archive.open(member, "w", force_zip64=True) as out:
                out.write(head.encode())
                for _ in range(unpacked_mb):
                    out.write(chunk)
                out.write((before + tail).encode())
    return buffer.getvalue()


def million_row_csv(rows: int = 1_000_000) -> bytes:
    """A complaint list of `rows` short rows (about 15 MB for a million, under the upload limit)."""
    lines = ["번호,내용"] + [f"{i},소음" for i in range(1, rows + 1)]
    return "\n".join(lines).encode("utf-8")


def endless_xlsx() -> bytes:
    """A 5 KB XLSX that passes every size check yet takes hours to read: its sheet declares the full
    grid (A1:XFD1048576) and has one cell in the last row, so a reader pads a million 16,384-cell rows."""
    source = zipfile.ZipFile(io.BytesIO(_valid("xlsx")))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8")
                head, rest = text.split('<dimension ref="', 1)
                text = head + '<dimension ref="A1:XFD1048576' + rest[rest.index('"') :]
                last = '<row r="1048576"><c r="A1048576" t="n"><v>1</v></c></row>'
                data = text.replace("</sheetData>", last + "</sheetData>").encode("utf-8")
            archive.writestr(info.filename, data)
    return buffer.getvalue()

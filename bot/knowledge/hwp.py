"""Text of a HWP 5.0 (binary) file: the OLE container is read with olefile, then each BodyText section's
paragraph-text records are decoded as the published HWP 5.0 format describes (zlib streams, 32-bit
record headers, UTF-16 text with 8-unit inline and extended controls).

Why not a HWP library: pyhwp (the only one with a history) was last released in 2020 as a beta, is AGPL,
and does not import on this Python without extra packages; olefile is the well-kept part. Encrypted
(password) and distribution-protected documents are refused with a reason. Pure: bytes in, text out.
"""

from __future__ import annotations

import io
import struct
import zlib

PARA_TEXT = 67  # HWPTAG_BEGIN (16) + 51
# control characters that occupy 8 UTF-16 units (the code, 6 units of data, the code again)
_WIDE_CONTROLS = {1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23}
MAX_SECTION_BYTES = 64 * 1024 * 1024  # a decompressed section larger than this is not a document we index


class HwpUnreadable(Exception):
    """The file is not a readable HWP 5.0 document; the message says why (Korean / English)."""


def _paragraph_text(payload: bytes) -> str:
    units = struct.unpack(f"<{len(payload) // 2}H", payload[: len(payload) // 2 * 2])
    kept: list[int] = []
    index = 0
    while index < len(units):
        code = units[index]
        if code in _WIDE_CONTROLS:
            if code == 9:
                kept.append(9)
            index += 8
            continue
        if code in (10, 13):
            kept.append(10)
        elif code in (24, 30, 31):  # hyphen, non-breaking and fixed-width spaces
            kept.append(0x2D if code == 24 else 0x20)
        elif code >= 32:
            kept.append(code)
        index += 1
    # decoded as a whole so surrogate pairs (characters beyond the BMP) join; a lone half becomes U+FFFD
    return struct.pack(f"<{len(kept)}H", *kept).decode("utf-16-le", errors="replace")


def _records(data: bytes):
    position = 0
    while position + 4 <= len(data):
        (header,) = struct.unpack_from("<I", data, position)
        tag, size = header & 0x3FF, (header >> 20) & 0xFFF
        position += 4
        if size == 0xFFF:
            if position + 4 > len(data):
                return
            (size,) = struct.unpack_from("<I", data, position)
            position += 4
        yield tag, data[position : position + size]
        position += size


NOT_HWP = (
    "HWP 5.0 파일이 아닙니다. 한글에서 HWPX나 PDF로 저장해 올려 주세요 / not a HWP 5.0 file; save it as HWPX or PDF"
)


def section_text(stream: bytes, compressed: bool) -> list[str]:
    """Paragraphs of one BodyText/SectionN stream (raw deflate when the header says compressed)."""
    raw = stream
    if compressed:
        try:
            raw = zlib.decompressobj(-15).decompress(stream, MAX_SECTION_BYTES)
        except zlib.error as error:
            raise HwpUnreadable(NOT_HWP) from error
    return [_paragraph_text(payload).rstrip("\n") for tag, payload in _records(raw) if tag == PARA_TEXT]


def _section_number(entry: list[str]) -> int:
    digits = entry[1].removeprefix("Section")
    return int(digits) if digits.isdigit() else 0


def hwp_text(data: bytes) -> str:
    """All paragraph text of the document's sections, in order; raises HwpUnreadable for anything else."""
    import olefile

    try:
        return _container_text(olefile, data)
    except HwpUnreadable:
        raise
    except Exception as error:  # olefile raises OSError, struct.error, IndexError... on damaged containers
        raise HwpUnreadable(NOT_HWP) from error


def _container_text(olefile, data: bytes) -> str:
    if not olefile.isOleFile(io.BytesIO(data)):
        raise HwpUnreadable(NOT_HWP)
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        if not ole.exists("FileHeader"):
            raise HwpUnreadable(NOT_HWP)
        header = ole.openstream("FileHeader").read()
        if not header.startswith(b"HWP Document File") or len(header) < 40:
            raise HwpUnreadable(NOT_HWP)
        (flags,) = struct.unpack_from("<I", header, 36)
        compressed, encrypted, distributed = bool(flags & 1), bool(flags & 2), bool(flags & 4)
        if encrypted or distributed:
            raise HwpUnreadable(
                "암호가 걸렸거나 배포용으로 보호된 HWP 파일은 읽을 수 없습니다. 한글에서 HWPX나 PDF로 저장해 올려 주세요"
                " / password-protected or distribution HWP files cannot be read; save as HWPX or PDF"
            )
        sections = sorted(
            (entry for entry in ole.listdir() if len(entry) == 2 and entry[0] == "BodyText"), key=_section_number
        )
        paragraphs: list[str] = []
        for entry in sections:
            paragraphs.extend(section_text(ole.openstream(entry).read(), compressed))
    return "\n".join(paragraphs)

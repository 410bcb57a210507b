"""Bytes of a text file to text, as Korean offices save them: UTF-8 (with or without BOM), UTF-16
with BOM, else CP949 (a superset of EUC-KR, what Excel and HWP export by default).

One guesser for every reader (attached documents, complaint lists), so a file reads the same way
wherever it is sent.
"""

from __future__ import annotations

from typing import Literal

_MARKS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


class Undecodable(ValueError):
    """Strict decoding failed: `encoding` tried last, `position` of the first bad byte, `marked` when a
    byte-order mark named the encoding (so the file is damaged rather than in another encoding)."""

    def __init__(self, encoding: str, position: int, marked: bool):
        super().__init__(f"not {encoding} near byte {position}")
        self.encoding, self.position, self.marked = encoding, position, marked


def decode_bytes(data: bytes, errors: Literal["strict", "replace"] = "strict") -> tuple[str, str]:
    """(text, encoding name). A byte-order mark decides the encoding; otherwise UTF-8, else CP949.
    With errors="replace" bad bytes become U+FFFD instead of raising Undecodable."""
    for mark, encoding in _MARKS:
        if data.startswith(mark):
            try:
                return data.decode(encoding, errors=errors), encoding
            except UnicodeDecodeError as error:
                raise Undecodable(encoding, error.start, marked=True) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp949", errors=errors), "cp949"
    except UnicodeDecodeError as error:
        raise Undecodable("cp949", error.start, marked=False) from None

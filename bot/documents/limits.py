"""How much work one attached file may cost, and the checks that refuse a file before it is read.

An office file is a zip archive (XLSX, DOCX, HWPX): a 1 MB upload can unpack to gigabytes. The zip
central directory declares every member's sizes, and Python's zipfile never returns more than the
declared size of a member, so checking the declared sizes before opening any member bounds what a
reader can unpack. Pure: bytes in, an exception out.
"""

from __future__ import annotations

import io
import math
import zipfile
from dataclasses import dataclass

from bot.i18n import t

MB = 1024 * 1024
# Small members compress very well when they are repetitive (styles, shared strings): the ratio
# only matters once a member is big enough to hurt.
RATIO_FLOOR_BYTES = 1 * MB


@dataclass(frozen=True, slots=True)
class DocumentLimits:
    """Limits for reading one attachment or complaint list; the defaults fit real office files."""

    unpacked_mb: int = 100  # all members of one archive together, uncompressed
    ratio: int = 100  # uncompressed / compressed for one member (real office files: under 30)
    members: int = 2000  # files inside one archive
    pdf_pages: int = 500
    memory_mb: int = 1024  # address space of one reading worker process
    seconds: float = 30.0  # wall time of one file in a worker before it is killed
    workers: int = 2  # reading worker processes


class LimitExceeded(Exception):
    """A file refused for its size or cost; `key` names the i18n sentence that names the limit."""

    def __init__(self, key: str, values: dict[str, object] | None = None):
        super().__init__(key)
        self.key = key
        self.values = dict(values or {})

    def __reduce__(self):
        return (LimitExceeded, (self.key, self.values))  # crosses the worker process boundary intact

    def message(self, locale: str = "ko") -> str:
        return t(self.key, locale, **self.values)

    def both(self) -> str:
        return f"{self.message('ko')} / {self.message('en')}"


def is_zip(data: bytes) -> bool:
    return data.startswith(b"PK\x03\x04")


def check_archive(data: bytes, limits: DocumentLimits) -> None:
    """Refuse a zip whose declared members are too many, too big in total, or too compressed.
    A file that is not a readable zip passes: its reader reports it as damaged."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return
    if len(infos) > limits.members:
        raise LimitExceeded("limit_members", {"count": len(infos), "limit": limits.members})
    total = sum(info.file_size for info in infos)
    if total > limits.unpacked_mb * MB:
        raise LimitExceeded("limit_unpacked", {"size": math.ceil(total / MB), "limit": limits.unpacked_mb})
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR_BYTES and ratio > limits.ratio:
            raise LimitExceeded(
                "limit_ratio", {"member": info.filename[:80], "ratio": int(ratio), "limit": limits.ratio}
            )


def check_pages(pages: int, limits: DocumentLimits) -> None:
    if pages > limits.pdf_pages:
        raise LimitExceeded("limit_pdf_pages", {"pages": pages, "limit": limits.pdf_pages})

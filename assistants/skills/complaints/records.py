"""What a complaint list is made of once read: rows with known fields, and what could not be read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.i18n import t


@dataclass(frozen=True, slots=True)
class Complaint:
    """One complaint as the official sent it. `row` is the number the official sees (spreadsheet row or
    line), so every message can point back to the source."""

    row: int
    text: str  # title and content joined: what the analysis reads
    id: str = ""
    title: str = ""
    received: datetime | None = None
    location: str = ""
    complainant: str = ""
    contact: str = ""
    department: str = ""
    status: str = ""
    original: tuple[str, ...] = ()  # every cell of the row as text, in the file's column order


@dataclass(frozen=True, slots=True)
class RowProblem:
    row: int
    ko: str
    en: str
    skipped: bool = True  # False: the row is kept, but a value in it was ignored

    def describe(self, locale: str = "ko") -> str:
        reason = {"ko": self.ko, "en": self.en}.get(locale, self.ko)
        return t("complaints_row_problem", locale, row=self.row, reason=reason)


@dataclass(slots=True)
class ComplaintList:
    complaints: list[Complaint]
    source: str  # file name or "붙여넣은 목록"
    encoding: str = ""  # detected text encoding ("" for XLSX and pasted text)
    header: tuple[str, ...] = ()  # the file's column names, in order
    columns: dict[str, str] = field(default_factory=dict)  # role -> the header name it was found under
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def skipped(self) -> list[RowProblem]:
        return [p for p in self.problems if p.skipped]


class UnreadableList(ValueError):
    """The list as a whole cannot be read (no text column, unknown encoding, unsupported format)."""

    def __init__(self, ko: str, en: str):
        super().__init__(en)
        self.ko = ko
        self.en = en

    def __reduce__(self):
        return (UnreadableList, (self.ko, self.en))  # raised in a worker process, shown in the chat

    def message(self, locale: str = "ko") -> str:
        return {"ko": self.ko, "en": self.en}.get(locale, self.ko)

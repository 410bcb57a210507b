"""What `/식비` and `/위원회 점검` share: the attached workbooks read in the document worker (never on the event
loop), every refusal as one clear message, and the tool's result as a reply with its XLSX as a download."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import TypeVar

from pydantic import ValidationError

from assistants.skills.sheets.table import SheetError
from assistants.skills.sheets.xlsx import XLSX_TYPE
from bot.conversation import Attachment, FilePart, Reply
from bot.dispatch.attachments import unreadable_reply
from bot.documents import DocumentLimits, DocumentWorker, LimitExceeded
from bot.i18n import t

Book = TypeVar("Book")
MAX_FILES = 20


def workbooks(attachments: Sequence[Attachment]) -> list[Attachment]:
    return [a for a in attachments if not a.error and a.name.lower().endswith((".xlsx", ".xlsm"))]


async def read_all(
    attachments: Sequence[Attachment],
    reader: Callable[[str, bytes, int, DocumentLimits], Book],
    max_rows: int,
    documents: DocumentWorker,
    locale: str,
    usage: str,
) -> list[Book] | Reply:
    """Each attached workbook read by `reader` in a worker process; a Reply saying what to do when any cannot be
    (`usage`: the command's usage sentence, for a message without a workbook)."""
    broken = unreadable_reply(attachments, locale)
    if broken is not None:
        return broken
    files = workbooks(attachments)
    others = [a.name for a in attachments if a not in files]
    if not files:
        extra = t("sheet_only_xlsx", locale, names=", ".join(others)) if others else ""
        return Reply("\n\n".join(x for x in (usage, extra) if x), kind="error")
    if len(files) > MAX_FILES:
        return Reply(t("sheet_too_many_files", locale, count=len(files), limit=MAX_FILES), kind="error")
    books: list[Book] = []
    problems: list[str] = [t("sheet_only_xlsx", locale, names=", ".join(others))] if others else []
    for attachment in files:
        try:
            books.append(await documents.run(reader, attachment.name, attachment.data, max_rows, documents.limits))
        except (SheetError, LimitExceeded) as error:
            problems.append(f"{attachment.name}: {error.message(locale)}")
    if problems:  # nothing half-computed: one unreadable file and the official fixes it first
        return Reply("\n".join(problems), kind="error")
    return books


def invalid_arguments(error: ValidationError, locale: str, usage: str) -> Reply:
    fields = ", ".join(str(e["loc"][0]) for e in error.errors() if e.get("loc"))
    return Reply(t("sheet_bad_arguments", locale, fields=fields) + "\n\n" + usage, kind="error")


async def result_reply(compute: Callable[[], tuple[str, str, bytes]], title: str) -> Reply:
    """The tool run off the event loop (aggregating and writing the XLSX is CPU work), as a reply with the file."""
    text, name, data = await asyncio.to_thread(compute)
    return Reply(text, kind="answer", parts=[FilePart(name, XLSX_TYPE, data, title=title)])

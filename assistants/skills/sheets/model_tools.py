"""The sheet skills as tools a model may call: `meal_costs` and `committee_check` run the very code of `/식비` and
`/위원회 점검` on the message's attached workbooks (handed over in the tool's context, read in the document worker),
and give back the command's Markdown (no names: they stay in the XLSX) as the tool result and its XLSX as a
download. Without a workbook the result tells the model, in Korean, to ask the official to attach one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from pydantic import BaseModel

from assistants.skills.sheets.commands import workbooks
from bot.conversation import Attachment, FilePart, Reply
from bot.documents import DocumentWorker
from bot.i18n import t
from bot.tools.base import Tool, ToolContext, ToolResult

WORKBOOK_ENDINGS = (".xlsx", ".xlsm")
# (arguments, attachments, the tool's app.yaml section, the document worker, locale) -> the command's reply
SheetAnswer = Callable[[Any, Sequence[Attachment], Any, DocumentWorker, str], Awaitable[Reply]]


def as_tool_result(reply: Reply) -> ToolResult:
    """A command's reply as a tool result: an error goes to the model to relay (⚠️, not shown as computed)."""
    if reply.kind == "error":
        return ToolResult(f"⚠️ {reply.text}")
    return ToolResult(reply.text, tuple(p for p in reply.parts if isinstance(p, FilePart)))


def sheet_tool(
    *,
    name: str,
    description: str,
    description_en: str,
    arguments: type[BaseModel],
    section: str,
    settings_model: type[BaseModel],
    answer: SheetAnswer,
    command: str,
) -> Tool:
    """One registration of a sheet skill as a tool. `command`: the skill's own command (named offline, never
    registered a second time here)."""

    async def run(values: BaseModel, context: ToolContext) -> ToolResult:
        files = workbooks(context.attachments)
        if not files or context.documents is None:  # no workbook in this message (or nothing to read it with)
            return ToolResult(f"⚠️ {t(f'tool_{name}_needs_file', context.locale)}")
        settings = context.settings if isinstance(context.settings, settings_model) else settings_model()
        return as_tool_result(await answer(values, files, settings, context.documents, context.locale))

    return Tool(
        name,
        description,
        description_en,
        arguments,
        run,
        section=section,
        settings_model=settings_model,
        reads_files=WORKBOOK_ENDINGS,
        offline_command=command,
    )

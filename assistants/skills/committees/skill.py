"""`/위원회 점검` with attached member lists: the duplicate-appointment check through the chat, on every adapter.
"/위원회 점검 한도 2" overrides the ordinance's limit for one check; the reply masks names, the XLSX does not."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydantic import ValidationError

from assistants.skills.base import SkillTurn
from assistants.skills.committees.reading import read_committee_workbook
from assistants.skills.committees.tool import (
    TOOL_DESCRIPTION,
    TOOL_NAME,
    CommitteeArgs,
    CommitteeSettings,
    committee_tool,
)
from assistants.skills.sheets.commands import invalid_arguments, read_all, result_reply, workbooks
from assistants.skills.sheets.model_tools import sheet_tool
from bot.config import AppConfig, section
from bot.conversation import Attachment, Reply
from bot.dispatch.commands import Command
from bot.documents import DocumentWorker
from bot.i18n import t

if TYPE_CHECKING:
    from bot.dispatch.dispatcher import Turn

_LIMIT = re.compile(r"(?:한도|상한|최대|limit)\s*[:=]?\s*(\d+)", re.IGNORECASE)
_SURE_ONLY = re.compile(r"확실|확정|sure", re.IGNORECASE)
_ASK = re.compile(r"위원.{0,30}(?:중복|겹치|겸직|몇\s*개)|중복\s*위촉")
_CHECK = re.compile(r"^\s*(?:점검|확인|검사|check)\b", re.IGNORECASE)


def parse_committee_args(text: str) -> CommitteeArgs:
    """ "점검 한도 2 확실한 것만" -> CommitteeArgs(max_per_person=2, include_uncertain=False)."""
    values: dict[str, object] = {}
    if found := _LIMIT.search(text):
        values["max_per_person"] = int(found[1])
    if _SURE_ONLY.search(text):
        values["include_uncertain"] = False
    return CommitteeArgs.model_validate(values)


class CommitteeSkill:
    name = "committee_check"
    section = "committees"
    settings_model = CommitteeSettings

    def __init__(self, config: AppConfig, documents: DocumentWorker):
        self.settings = section(config, self.section, CommitteeSettings)
        self.documents = documents

    async def run(self, turn: SkillTurn) -> Reply | None:
        """ "위원회 중복 위촉 점검해줘" with member lists attached, on an assistant that lists this skill (the way in
        on Slack, whose client keeps a leading "/" for its own slash commands)."""
        if not workbooks(turn.message.attachments) or not _ASK.search(turn.text.strip().split("\n", 1)[0]):
            return None
        try:
            arguments = parse_committee_args(turn.text)
        except ValidationError as error:
            return invalid_arguments(error, turn.locale, t("committees_usage", turn.locale))
        return await self.answer(arguments, turn.message.attachments, turn.locale)

    def commands(self) -> list[Command]:
        return [
            Command("위원회", self.command, "command_help_committees", usage="점검 [한도 3]", aliases=("committees",))
        ]

    async def command(self, turn: Turn, args: str) -> Reply:
        locale = turn.locale
        if not _CHECK.match(args):
            return Reply(t("committees_usage", locale), kind="error")
        try:
            arguments = parse_committee_args(_CHECK.sub("", args, count=1))
        except ValidationError as error:
            return invalid_arguments(error, locale, t("committees_usage", locale))
        return await self.answer(arguments, turn.message.attachments, locale)

    async def answer(self, arguments: CommitteeArgs, attachments: Sequence[Attachment], locale: str) -> Reply:
        """The tool on attached member lists: what `/위원회 점검` runs (a model's `committee_check` call runs
        `committee_answer` too)."""
        return await committee_answer(arguments, attachments, self.settings, self.documents, locale)


async def committee_answer(
    arguments: CommitteeArgs,
    attachments: Sequence[Attachment],
    settings: CommitteeSettings,
    documents: DocumentWorker,
    locale: str,
) -> Reply:
    """The duplicate-appointment check on attached member lists, for `/위원회 점검` and a model's
    `committee_check` call alike. The reply masks names; the full matches are only in the XLSX."""
    books = await read_all(
        attachments, read_committee_workbook, settings.max_rows, documents, locale, t("committees_usage", locale)
    )
    if isinstance(books, Reply):
        return books

    def compute() -> tuple[str, str, bytes]:
        report = committee_tool(arguments, books, settings, locale)
        return report.text, report.file_name, report.xlsx

    return await result_reply(compute, "위원회 중복 위촉 점검(XLSX)")


# What a model with tool support calls (for an assistant listing `committee_check` in `tools:`): the same code as
# `/위원회 점검`, whose command stays the skill's.
COMMITTEE_TOOL = sheet_tool(
    name=TOOL_NAME,
    description=TOOL_DESCRIPTION,
    description_en="Finds people on more committees than the ordinance allows in the attached member lists (XLSX).",
    arguments=CommitteeArgs,
    section=CommitteeSkill.section,
    settings_model=CommitteeSettings,
    answer=committee_answer,
    command="위원회 점검",
)

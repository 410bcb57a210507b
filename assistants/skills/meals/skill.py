"""`/식비` with attached workbooks: the meal-cost tool through the chat, on Slack, Teams and the web chat alike.

The command's words fill MealArgs ("/식비 2026-03 한도 9000 부서 총무과"); a model's tool call fills the same
model, so both reach the same numbers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydantic import ValidationError

from assistants.skills.base import SkillTurn
from assistants.skills.meals.reading import read_meal_workbook
from assistants.skills.meals.tool import TOOL_DESCRIPTION, TOOL_NAME, MealArgs, MealSettings, meal_tool
from assistants.skills.sheets.commands import invalid_arguments, read_all, result_reply, workbooks
from assistants.skills.sheets.model_tools import sheet_tool
from bot.config import AppConfig, section
from bot.conversation import Attachment, Reply
from bot.dispatch.commands import Command
from bot.documents import DocumentWorker
from bot.i18n import t

if TYPE_CHECKING:
    from bot.dispatch.dispatcher import Turn

_MONTH = re.compile(r"(\d{4})\s*[-./년]\s*(\d{1,2})\s*월?")
_LIMIT = re.compile(r"(?:한도|상한|limit)\s*[:=]?\s*([\d,]+)\s*원?", re.IGNORECASE)
_DEPARTMENT = re.compile(r"(?:부서|소속|department)\s*[:=]?\s*(\S+)", re.IGNORECASE)


_ASK = re.compile(
    r"(?:식비|식대|식당\s*이용).{0,30}(?:집계|정리|합계|계산|점검|확인)|(?:집계|정리).{0,10}(?:식비|식대)"
)


def asks_for_meals(text: str) -> bool:
    return bool(_ASK.search(text.strip().split("\n", 1)[0]))


def parse_meal_args(text: str) -> MealArgs:
    """ "2026-03 한도 9,000원 부서 총무과" -> MealArgs (ValidationError for a month or limit out of range)."""
    values: dict[str, object] = {}
    if found := _MONTH.search(text):
        values["month"] = f"{found[1]}-{int(found[2]):02d}"
    if found := _LIMIT.search(text):
        values["per_meal_limit"] = int(found[1].replace(",", ""))
    if found := _DEPARTMENT.search(text):
        values["department"] = found[1]
    return MealArgs.model_validate(values)


class MealSkill:
    name = "meal_costs"
    section = "meals"
    settings_model = MealSettings

    def __init__(self, config: AppConfig, documents: DocumentWorker):
        self.settings = section(config, self.section, MealSettings)
        self.documents = documents

    async def run(self, turn: SkillTurn) -> Reply | None:
        """ "3월 식비 집계해줘" with a workbook attached, on an assistant that lists this skill (Slack's client takes a
        leading "/" for its own slash commands, which carry no files, so there the words are the way in)."""
        if not workbooks(turn.message.attachments) or not asks_for_meals(turn.text):
            return None
        try:
            arguments = parse_meal_args(turn.text)
        except ValidationError as error:
            return invalid_arguments(error, turn.locale, t("meals_usage", turn.locale))
        return await self.answer(arguments, turn.message.attachments, turn.locale)

    def commands(self) -> list[Command]:
        return [
            Command(
                "식비",
                self.command,
                "command_help_meals",
                usage="[2026-03] [한도 9000] [부서 총무과]",
                aliases=("meals",),
            )
        ]

    async def command(self, turn: Turn, args: str) -> Reply:
        locale = turn.locale
        try:
            arguments = parse_meal_args(args)
        except ValidationError as error:
            return invalid_arguments(error, locale, t("meals_usage", locale))
        return await self.answer(arguments, turn.message.attachments, locale)

    async def answer(self, arguments: MealArgs, attachments: Sequence[Attachment], locale: str) -> Reply:
        """The tool on attached workbooks: what `/식비` runs (a model's `meal_costs` call runs `meal_answer` too)."""
        return await meal_answer(arguments, attachments, self.settings, self.documents, locale)


async def meal_answer(
    arguments: MealArgs,
    attachments: Sequence[Attachment],
    settings: MealSettings,
    documents: DocumentWorker,
    locale: str,
) -> Reply:
    """The 식비 tool on attached workbooks, for `/식비` and a model's `meal_costs` call alike: read in the document
    worker, computed off the event loop; the reply carries no names (they stay in the XLSX)."""
    books = await read_all(
        attachments, read_meal_workbook, settings.max_rows, documents, locale, t("meals_usage", locale)
    )
    if isinstance(books, Reply):
        return books

    def compute() -> tuple[str, str, bytes]:
        report = meal_tool(arguments, books, settings, locale)
        return report.text, report.file_name, report.xlsx

    return await result_reply(compute, "식비 집계(XLSX)")


# What a model with tool support calls (for an assistant listing `meal_costs` in `tools:`): the same code as
# `/식비`, whose command stays the skill's (registered once, by the skill).
MEAL_TOOL = sheet_tool(
    name=TOOL_NAME,
    description=TOOL_DESCRIPTION,
    description_en="Totals the attached cafeteria meal records (XLSX) and flags what an official should check.",
    arguments=MealArgs,
    section=MealSkill.section,
    settings_model=MealSettings,
    answer=meal_answer,
    command="식비",
)

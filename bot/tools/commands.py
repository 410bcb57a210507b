"""Tools without a model: `/여비 목적지=세종 기간=1박 2일 …` runs the tool at once when the facts are complete,
and otherwise a guided dialogue asks for each missing fact (like `/assistant new`), checking every answer on its
own before it is kept. The dialogue's state sits in the database (any govbot process may get the next answer);
an answer holding personal information is not kept.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bot.config import AppConfig
from bot.conversation import Reply, ReplySink
from bot.dispatch.commands import Command, parse_command
from bot.i18n import t
from bot.privacy import scan_pii
from bot.privacy.policy import pii_actions
from bot.tools.base import Tool, ToolInputError, ToolResult
from bot.tools.context import tool_context

if TYPE_CHECKING:
    from bot.dispatch.dispatcher import Turn

STEP_PREFIX = "tool:"
CANCEL = {"취소", "그만", "그만두기", "cancel", "stop"}
SKIP = {"건너뛰기", "skip", "-"}
_PAIR = re.compile(r"([^\s=]+)\s*=\s*(.*?)(?=\s*[,;\n]\s*[^\s=,;]+\s*=|\s+[^\s=,;]+\s*=|\s*$)", re.S)


def parse_pairs(text: str, tool: Tool) -> dict[str, str]:
    """`키=값` pairs (values may hold spaces: `기간=1박 2일 교통=KTX 일반실`), keys by field name or Korean label.
    Raises ToolInputError naming a key the tool does not know."""
    values: dict[str, str] = {}
    for key, value in _PAIR.findall(text):
        field = tool.labels.get(key, key)
        if field not in tool.arguments.model_fields:
            known = ", ".join(tool.labels) or ", ".join(tool.arguments.model_fields)
            raise ToolInputError(f"'{key}'은(는) 모르는 항목입니다 (쓸 수 있는 항목: {known})")
        values[field] = value.strip().strip('"')
    return values


def tool_reply(result: ToolResult) -> Reply:
    return Reply(result.text, kind="answer", parts=list(result.files))


class ToolDesk:
    """The tools' commands and their guided dialogue (an interceptor of the dispatcher)."""

    def __init__(self, tools: Mapping[str, Tool], config: AppConfig):
        self._tools = dict(tools)
        self._config = config

    def commands(self) -> list[Command]:
        out = []
        for tool in self._tools.values():
            if tool.command:
                out.append(
                    Command(
                        tool.command,
                        self._handler(tool),
                        f"tool_{tool.name}_help",
                        usage=t(f"tool_{tool.name}_usage", "ko"),
                        aliases=tool.aliases,
                    )
                )
        return out

    def _handler(self, tool: Tool):
        async def handle(turn: Turn, args: str) -> Reply:
            try:
                values = parse_pairs(args, tool) if args.strip() else {}
            except ToolInputError as error:
                return Reply(error.message + "\n\n" + t(f"tool_{tool.name}_usage_help", turn.locale), kind="error")
            return await self._advance(turn, tool, values, [])

        return handle

    async def __call__(self, turn: Turn, sink: ReplySink | None) -> Reply | None:
        store, key = turn.services.store, turn.message.conversation_key
        state = await store.dialogues.get(key, turn.identity.user_id)
        if state is None or not state[0].startswith(STEP_PREFIX):
            return None
        text = turn.message.text.strip()
        if text.rstrip(".!").casefold() in CANCEL:
            await store.dialogues.end(key)
            return Reply(t("tool_dialogue_cancelled", turn.locale))
        if parse_command(text) is not None:
            return None
        _, name, field = state[0].split(":", 2)
        tool = self._tools.get(name)
        data: dict[str, Any] = state[1]
        if tool is None or field not in tool.arguments.model_fields:
            await store.dialogues.end(key)  # a tool this version no longer has: start again rather than guess
            return Reply(t("tool_dialogue_cancelled", turn.locale), kind="error")
        values, skipped = dict(data.get("values", {})), list(data.get("skipped", []))
        if not text:
            return Reply(self._question(tool, field, turn.locale), kind="info")
        actions = pii_actions(self._config, turn.identity.department.id)
        if any(actions.get(f.type, "mask") != "allow" for f in scan_pii(text)):
            return Reply(t("tool_dialogue_pii", turn.locale) + "\n\n" + self._question(tool, field, turn.locale))
        required = tool.arguments.model_fields[field].is_required()
        if not required and text.casefold() in SKIP:
            skipped.append(field)
        else:
            context = tool_context(tool, self._config, turn.locale)
            try:
                tool.check_field(field, text, values, context.today)
            except ToolInputError as error:
                return Reply(error.message + "\n\n" + self._question(tool, field, turn.locale), kind="error")
            values[field] = text
        return await self._advance(turn, tool, values, skipped)

    async def _advance(self, turn: Turn, tool: Tool, values: dict[str, Any], skipped: list[str]) -> Reply:
        """Ask for the next missing fact, or run the tool when there is none."""
        store, key, locale = turn.services.store, turn.message.conversation_key, turn.locale
        missing = [f for f in tool.missing(values) if f not in skipped]
        if missing:
            field = missing[0]
            step = f"{STEP_PREFIX}{tool.name}:{field}"
            await store.dialogues.put(key, turn.identity.user_id, step, {"values": values, "skipped": skipped})
            intro = "" if values or skipped else t(f"tool_{tool.name}_intro", locale) + "\n\n"
            return Reply(intro + self._question(tool, field, locale), kind="info")
        await store.dialogues.end(key)
        context = tool_context(tool, self._config, locale)
        try:
            result = await tool.call(tool.parse(values, context.today), context)
        except ToolInputError as error:
            fields = [f for f in error.fields if f in tool.arguments.model_fields]
            if fields:  # ask again for what was wrong, keeping the rest
                kept = {k: v for k, v in values.items() if k not in fields}
                step = f"{STEP_PREFIX}{tool.name}:{fields[0]}"
                await store.dialogues.put(key, turn.identity.user_id, step, {"values": kept, "skipped": skipped})
                return Reply(error.message + "\n\n" + self._question(tool, fields[0], locale), kind="error")
            return Reply(error.message, kind="error")
        return tool_reply(result)

    @staticmethod
    def _question(tool: Tool, field: str, locale: str) -> str:
        question = t(f"tool_{tool.name}_ask_{field}", locale)
        if not tool.arguments.model_fields[field].is_required():
            question += " " + t("tool_dialogue_optional", locale)
        return question + " " + t("tool_dialogue_cancel_hint", locale)

"""Every tool govbot ships, in one place. Adding a tool is one `Tool(...)` here (built from a pure function and
a pydantic argument model, see bot/tools/base.py) and its name in an assistant's `tools:`; the runtime offers it
to the model, adds its command and dialogue, and app.yaml gets its section."""

from __future__ import annotations

from assistants.skills.committees.skill import COMMITTEE_TOOL
from assistants.skills.meals.skill import MEAL_TOOL
from assistants.tools.travel.tool import TRAVEL_TOOL
from bot.tools import Tool

# 식비 and 위원회 점검 are skills with their own commands (/식비, /위원회 점검); here they are offered to models,
# reading the message's attached workbooks (their Tool has no `command`, so no second command is registered).
TOOLS: tuple[Tool, ...] = (TRAVEL_TOOL, MEAL_TOOL, COMMITTEE_TOOL)


def tool_map(tools: tuple[Tool, ...] = TOOLS) -> dict[str, Tool]:
    """Tools by name; a repeated name or command is a programming error, caught when the runtime starts."""
    by_name: dict[str, Tool] = {}
    commands: set[str] = set()
    for tool in tools:
        if tool.name in by_name:
            raise ValueError(f"two tools are named {tool.name!r}")
        for command in (tool.command, *tool.aliases) if tool.command else ():
            if command.casefold() in commands:
                raise ValueError(f"two tools use the command /{command}")
            commands.add(command.casefold())
        by_name[tool.name] = tool
    return by_name


def tool_names() -> tuple[str, ...]:
    """The names an assistant may list in `tools:`."""
    return tuple(tool.name for tool in TOOLS)

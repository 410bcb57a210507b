"""Slash commands: a registry other features add to, and the parsing of "/name args"."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.conversation import Reply
from bot.i18n import t

if TYPE_CHECKING:
    from bot.dispatch.dispatcher import Turn

CommandHandler = Callable[["Turn", str], Awaitable[Reply]]


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    handler: CommandHandler
    help: str  # message id of the one-line help, e.g. "command_help_quota"
    usage: str = ""
    aliases: tuple[str, ...] = ()


@dataclass
class CommandRegistry:
    _commands: dict[str, Command] = field(default_factory=dict)
    _names: dict[str, str] = field(default_factory=dict)

    def add(self, command: Command) -> None:
        self._commands[command.name] = command
        for name in (command.name, *command.aliases):
            self._names[name.casefold()] = command.name

    def lookup(self, name: str) -> Command | None:
        key = self._names.get(name.casefold())
        return self._commands[key] if key else None

    def help_text(self, locale: str) -> str:
        lines = []
        for command in self._commands.values():
            usage = f"/{command.name}" + (f" {command.usage}" if command.usage else "")
            lines.append(f"- `{usage}` — {t(command.help, locale)}")
        return "\n".join(lines)


def parse_command(text: str) -> tuple[str, str] | None:
    """("name", "args") for text starting with a slash command, else None. "/" alone is not a command."""
    stripped = text.strip()
    if not stripped.startswith("/") or len(stripped) < 2 or stripped[1].isspace():
        return None
    name, _, args = stripped[1:].partition(" ")
    if "\n" in name:
        name, _, rest = name.partition("\n")
        args = rest + (" " + args if args else "")
    return name, args.strip()

"""A terminal chat (`govbot chat --user ID`): the same bot, for a quick try or an admin's check."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table as RichTable

from bot.conversation import Bot, Buttons, FilePart, Message, Reply, Section, Table


class ConsoleSink:
    def __init__(self, console: Console):
        self._console = console
        self.streamed = False

    async def delta(self, text: str) -> None:
        self.streamed = True
        self._console.print(text, end="", markup=False, highlight=False, soft_wrap=True)

    async def progress(self, note: str) -> None:
        self._console.print(f"[dim]{note}[/dim]")


def render(console: Console, reply: Reply, streamed: bool) -> None:
    """Print what was not already streamed: the text (if not streamed), parts and the notice."""
    if streamed:
        console.print()
    elif reply.text:
        style = "red" if reply.kind in ("error", "refusal") else None
        console.print(Markdown(reply.text), style=style)
    for part in reply.parts:
        if isinstance(part, Table):
            table = RichTable(*part.columns, title=part.title or None)
            for row in part.rows:
                table.add_row(*row)
            console.print(table)
        elif isinstance(part, FilePart):
            console.print(f"[cyan]📄 {part.name}[/cyan] ({len(part.data):,} bytes)")
        elif isinstance(part, Buttons):
            labels = " ".join(f"[{b.label}]" for b in part.buttons if b.action != "feedback")
            if labels:
                console.print(labels)
        elif isinstance(part, Section) and not streamed and not reply.text:
            console.print(Markdown(f"## {part.heading}\n{part.body}"))
    if reply.notice:
        console.print(f"[yellow]{reply.notice}[/yellow]")


async def chat_loop(
    bot: Bot, user_id: str, read_line: Callable[[str], str] = input, console: Console | None = None
) -> None:
    console = console or Console()
    thread = uuid.uuid4().hex
    console.print("[bold]govbot[/bold] — 끝내려면 /quit 또는 Ctrl-D. 도움말은 /help")
    while True:
        try:
            line = await asyncio.to_thread(read_line, "> ")
        except (EOFError, KeyboardInterrupt):
            break
        if line.strip() in ("/quit", "/exit", "/종료"):
            break
        if not line.strip():
            continue
        sink = ConsoleSink(console)
        reply = await bot.on_message(Message("console", user_id, line, thread_id=thread, is_direct=True), sink)
        render(console, reply, sink.streamed and reply.kind == "answer")

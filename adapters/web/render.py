"""Reply → JSON for the web chat page: its Markdown as safe HTML, files as short-lived download links."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from adapters.web.html import document_html
from bot.conversation import Buttons, FilePart, Reply, Section, Table
from bot.downloads import Downloads

# Above this many characters of Markdown the HTML is made in a worker thread, off the event loop.
OFF_LOOP_CHARS = 4_000


def markdown_html(reply: Reply) -> tuple[str, list[str]]:
    """The reply's text and its sections' bodies as HTML (the text is not shown when there are sections)."""
    sections = [document_html(p.document) for p in reply.parts if isinstance(p, Section)]
    return ("" if sections else document_html(reply.document)), sections


async def reply_to_json_async(reply: Reply, downloads: Downloads, owner: str) -> dict[str, Any]:
    """`reply_to_json`, with a long reply's Markdown parsed and rendered in a worker thread."""
    size = len(reply.text) + sum(len(p.body) for p in reply.parts if isinstance(p, Section))
    html = await asyncio.to_thread(markdown_html, reply) if size >= OFF_LOOP_CHARS else markdown_html(reply)
    # Files are stored first (shared state: any serve process answers the link); `owner` alone may download them.
    tokens = {i: await downloads.put(p, owner) for i, p in enumerate(reply.parts) if isinstance(p, FilePart)}
    return reply_to_json(reply, tokens, html)


def reply_to_json(
    reply: Reply, file_tokens: Mapping[int, str] | None = None, html: tuple[str, list[str]] | None = None
) -> dict[str, Any]:
    """`file_tokens`: download token of each file part, by its index in `reply.parts` (files without one are left
    out); `html` is `markdown_html(reply)` if made."""
    text_html, section_html = html if html is not None else markdown_html(reply)
    parts: list[dict[str, Any]] = []
    sections = iter(section_html)
    for index, part in enumerate(reply.parts):
        if isinstance(part, Table):
            parts.append(
                {
                    "type": "table",
                    "title": part.title,
                    "columns": list(part.columns),
                    "rows": [list(r) for r in part.rows],
                }
            )
        elif isinstance(part, Section):
            parts.append({"type": "section", "heading": part.heading, "body": part.body, "html": next(sections)})
        elif isinstance(part, FilePart) and (token := (file_tokens or {}).get(index)) is not None:
            parts.append(
                {
                    "type": "file",
                    "name": part.name,
                    "title": part.title or part.name,
                    "url": f"/files/{token}",
                    "size": len(part.data),
                }
            )
        elif isinstance(part, Buttons):
            parts.append(
                {
                    "type": "buttons",
                    "buttons": [
                        {"label": b.label, "action": b.action, "value": b.value, "style": b.style, "confirm": b.confirm}
                        for b in part.buttons
                    ],
                }
            )
    return {
        "text": reply.text,
        "html": text_html,  # the text as safe HTML (adapters/web/html.py), what the page shows
        "kind": reply.kind,
        "notice": reply.notice,
        "sources": reply.sources,
        "assistant": reply.assistant,
        "answer_id": reply.answer_id,
        "thread_assistant": reply.thread_assistant,
        "parts": parts,
    }

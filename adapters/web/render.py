"""Reply → JSON for the web chat page. Files become short-lived download links."""

from __future__ import annotations

from typing import Any

from bot.conversation import Buttons, FilePart, Reply, Section, Table
from bot.downloads import Downloads


def reply_to_json(reply: Reply, downloads: Downloads, owner: str) -> dict[str, Any]:
    """`owner` is the only user who may download the reply's files."""
    parts: list[dict[str, Any]] = []
    for part in reply.parts:
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
            parts.append({"type": "section", "heading": part.heading, "body": part.body})
        elif isinstance(part, FilePart):
            token = downloads.put(part, owner)
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
        "kind": reply.kind,
        "notice": reply.notice,
        "sources": reply.sources,
        "assistant": reply.assistant,
        "answer_id": reply.answer_id,
        "thread_assistant": reply.thread_assistant,
        "parts": parts,
    }

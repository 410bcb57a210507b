"""A small client for the web chat, the way the page uses it (shared by integration tests)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import aiohttp


@dataclass
class ChatResult:
    status: int
    deltas: list[str] = field(default_factory=list)
    progress: list[str] = field(default_factory=list)
    reply: dict[str, Any] | None = None
    error: dict[str, Any] | None = None

    @property
    def text(self) -> str:
        return (self.reply or {}).get("text", "")

    @property
    def shown(self) -> str:
        """Everything the page shows of the reply: its text and the cells of its tables."""
        cells = [
            str(cell)
            for part in (self.reply or {}).get("parts", [])
            if part["type"] == "table"
            for row in [part["columns"], *part["rows"]]
            for cell in row
        ]
        return "\n".join([self.text, *cells])


async def send(
    base_url: str,
    text: str,
    *,
    user: str | None = "kim.minsu",
    thread: str = "t1",
    files: list[tuple[str, bytes, str]] = (),  # type: ignore[assignment]
    headers: dict[str, str] | None = None,
) -> ChatResult:
    all_headers = {"X-Forwarded-User": user} if user else {}
    body: dict[str, Any] = {}
    if files:  # as the page does: multipart only with attachments, and a browser always sends Origin then
        form = aiohttp.FormData()
        form.add_field("text", text)
        form.add_field("thread", thread)
        for name, data, content_type in files:
            form.add_field("file", data, filename=name, content_type=content_type)
        body["data"] = form
        all_headers["Origin"] = base_url
    else:
        body["json"] = {"text": text, "thread": thread}
    all_headers.update(headers or {})
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{base_url}/api/chat", headers=all_headers, **body) as response:
            if response.status != 200:
                return ChatResult(response.status, error=await response.json())
            result = ChatResult(response.status)
            async for line in response.content:
                if not line.strip():
                    continue
                event = json.loads(line)
                if event["type"] == "delta":
                    result.deltas.append(event["text"])
                elif event["type"] == "progress":
                    result.progress.append(event["text"])
                elif event["type"] == "reply":
                    result.reply = event["reply"]
            return result


async def act(base_url: str, action: str, value: str, user: str = "kim.minsu") -> dict[str, Any]:
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{base_url}/api/action", json={"action": action, "value": value}, headers={"X-Forwarded-User": user}
        ) as response:
            return await response.json()

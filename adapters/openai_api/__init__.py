"""The gateway as an OpenAI-compatible HTTP API (`/v1/chat/completions`, `/v1/models`), so the
office's other internal tools get the same policies, quotas and audit with their usual client."""

from __future__ import annotations

from aiohttp import web

from adapters.openai_api.routes import OpenAIEndpoint
from bot.runtime import Runtime


def mount(app: web.Application, runtime: Runtime) -> None:
    OpenAIEndpoint(runtime).mount(app)

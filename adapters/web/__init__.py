"""The web chat inside the office's intranet portal, served by `govbot serve` at `/`."""

from __future__ import annotations

from aiohttp import web

from adapters.web.routes import WebChat
from bot.runtime import Runtime


def mount(app: web.Application, runtime: Runtime) -> None:
    WebChat(runtime).mount(app)

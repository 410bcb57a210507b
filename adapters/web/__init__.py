"""The web chat inside the office's intranet portal, served by `govbot serve` at `/`."""

from __future__ import annotations

from aiohttp import web

from adapters.web.routes import WebChat
from bot.host import AdapterHost


def mount(app: web.Application, host: AdapterHost) -> None:
    WebChat(host).mount(app)

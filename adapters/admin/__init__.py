"""The admin console at /admin on `govbot serve`: usage, quotas, roles and API keys for department and office admins."""

from __future__ import annotations

from aiohttp import web

from adapters.admin.routes import AdminPages
from bot.host import ConsoleHost


def mount(app: web.Application, host: ConsoleHost) -> None:
    AdminPages(host).mount(app)

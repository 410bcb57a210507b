"""Fake peers on 127.0.0.1 (OpenAI-compatible upstream, Slack Web API, Bot Connector) that real clients talk to."""

from __future__ import annotations

from aiohttp import web


async def serve_on_loopback(app: web.Application, host: str, port: int) -> tuple[web.AppRunner, int]:
    """Start `app` (port 0 picks a free one); the runner to clean up and the port bound."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

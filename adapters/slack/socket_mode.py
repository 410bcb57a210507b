"""Socket Mode: govbot connects out to Slack over a WebSocket (for networks without inbound access)."""
from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from adapters.slack.app import SlackAdapter

log = logging.getLogger(__name__)


def socket_mode_context(adapter: SlackAdapter, app_token: str) -> Callable[[web.Application], Any]:
    """An aiohttp cleanup context: connect when the server starts, disconnect when it stops."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        handler = AsyncSocketModeHandler(adapter.app, app_token, web_client=adapter.client)
        await handler.connect_async()
        log.info("Slack Socket Mode connected")
        try:
            yield
        finally:
            await handler.close_async()

    return context

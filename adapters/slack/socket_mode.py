"""Socket Mode: govbot connects out to Slack over a WebSocket (for networks without inbound access)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.errors import SlackApiError

from adapters.slack.app import SlackAdapter
from adapters.slack.poster import explain

log = logging.getLogger(__name__)


def socket_mode_context(adapter: SlackAdapter, app_token: str) -> Callable[[web.Application], Any]:
    """An aiohttp cleanup context: connect when the server starts, disconnect when it stops.

    The app token is checked once first: slack_sdk retries a failed connection forever, which is right
    for a network outage but would hide a wrong token behind endless retries. The connection itself is
    made in the background so the web chat starts even while Slack is unreachable.
    """

    async def context(app: web.Application) -> AsyncIterator[None]:
        try:
            await adapter.client.apps_connections_open(app_token=app_token)
        except SlackApiError as error:
            log.error(
                "Slack Socket Mode에 연결하지 못했습니다: SLACK_APP_TOKEN(xapp-…, connections:write)을 확인하세요. "
                "/ could not connect; check SLACK_APP_TOKEN. %s",
                explain(error),
            )
            yield
            return
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning(
                "Slack에 아직 연결할 수 없습니다(%s); 계속 재시도합니다. / Slack unreachable, retrying.",
                type(error).__name__,
            )
        handler = AsyncSocketModeHandler(adapter.app, app_token, web_client=adapter.client)
        connecting = asyncio.create_task(handler.connect_async())
        try:
            yield
        finally:
            connecting.cancel()
            await handler.close_async()

    return context

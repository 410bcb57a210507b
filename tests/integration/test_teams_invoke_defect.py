"""Why adapters/teams does not use `CloudAdapter.process`: with botbuilder 4.17 an Action.Execute handler
written the documented way (returning an AdaptiveCardInvokeResponse) makes `process` answer HTTP 500,
because the already-serialised body is serialised a second time. The same handler through govbot's
request handling (deserialise, `process_activity`, write the InvokeResponse as is) answers 200.

If a botbuilder release fixes `process`, the first test fails and tells us the workaround can go."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from botbuilder.core import ActivityHandler, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity, AdaptiveCardInvokeResponse, AdaptiveCardInvokeValue

from adapters.teams.app import invoke_http_response
from adapters.teams.credentials import BotFrameworkConfig
from tests.fakes.bot_connector import FakeBotConnector
from tests.integration.teams import execute_invoke

CARD = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "처리했습니다"}]}


class DocumentedHandler(ActivityHandler):
    async def on_adaptive_card_invoke(
        self, turn_context: TurnContext, invoke_value: AdaptiveCardInvokeValue
    ) -> AdaptiveCardInvokeResponse:
        return AdaptiveCardInvokeResponse(status_code=200, type="application/vnd.microsoft.card.adaptive", value=CARD)


@pytest.fixture
async def served() -> AsyncIterator[tuple[str, FakeBotConnector]]:
    connector = await FakeBotConnector().start()
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(BotFrameworkConfig()))
    bot = DocumentedHandler()

    async def with_process(request: web.Request) -> web.StreamResponse:
        return await adapter.process(request, bot)

    async def like_govbot(request: web.Request) -> web.StreamResponse:
        activity = Activity().deserialize(await request.json())
        return invoke_http_response(
            await adapter.process_activity(request.headers.get("Authorization", ""), activity, bot.on_turn)
        )

    app = web.Application()
    app.router.add_post("/process", with_process)
    app.router.add_post("/govbot", like_govbot)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}", connector
    await runner.cleanup()
    await connector.stop()


async def _post(url: str, body: dict) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json=body) as response:
            return response.status, await response.text()


async def test_cloud_adapter_process_answers_500_for_an_invoke_with_a_body(served):
    base, connector = served
    status, _ = await _post(f"{base}/process", execute_invoke(connector.url, "approve", "1"))
    assert status == 500


async def test_process_activity_with_our_response_writing_answers_200_with_the_body(served):
    base, connector = served
    status, text = await _post(f"{base}/govbot", execute_invoke(connector.url, "approve", "1"))
    assert status == 200
    import json

    assert json.loads(text) == {"statusCode": 200, "type": "application/vnd.microsoft.card.adaptive", "value": CARD}

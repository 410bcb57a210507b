"""Slack over Socket Mode: govbot asks apps.connections.open for the WebSocket URL, connects out to the
fake Slack on 127.0.0.1, acknowledges envelopes and answers through the Web API."""

from __future__ import annotations

import aiohttp

from tests.fakes.slack_server import APP_TOKEN
from tests.integration.slack_support import block_texts, envelope, mention, slash_command, socket_env


async def test_socket_mode_answers_mentions_once_and_slash_commands(start_govbot, fake_slack, fake_openai):
    fake_openai.reply_with("소켓 모드로 답합니다.")
    async with start_govbot(
        env=socket_env(), slack_api_url=fake_slack.api_url, slack_socket_mode=True, slack_update_seconds=0.2
    ) as gb:
        await fake_slack.wait_connected()
        opened = fake_slack.called("apps.connections.open")
        assert opened and opened[0].headers["Authorization"] == f"Bearer {APP_TOKEN}"
        event = mention("소켓 모드 확인")
        body = envelope(event, event_id="Ev0SOCKET001")
        await fake_slack.push("events_api", body, "env-1")
        await fake_slack.push("events_api", {**body}, "env-1-retry")  # Slack re-delivers the same event
        updates = await fake_slack.wait_for(
            lambda: [
                c
                for c in fake_slack.called("chat.update")
                if "소켓 모드로 답합니다." in block_texts(c.args.get("blocks"))
                and "작성 중" not in block_texts(c.args.get("blocks"))
            ]
        )
        await fake_slack.push("slash_commands", slash_command("quota", fake_slack.response_url("quota")), "env-2")
        answers = await fake_slack.wait_for(lambda: [r for r in fake_slack.responses if r["name"] == "quota"])
        acks = await fake_slack.wait_for(lambda: len(fake_slack.socket_acks) >= 3 and fake_slack.socket_acks)
        # No HTTP endpoint is opened in Socket Mode.
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{gb.url}/slack/events", data=b"{}") as response:
                assert response.status in (404, 405)
    assert {a["envelope_id"] for a in acks} >= {"env-1", "env-1-retry", "env-2"}
    assert len(fake_openai.requests) == 1  # the re-delivered event was not answered twice
    assert [c.args.get("thread_ts") for c in fake_slack.called("chat.postMessage")] == [event["ts"]]
    assert updates[-1].args["channel"] == "C0TRAFFIC01"
    assert "교통행정과" in answers[0]["text"]


async def test_a_rejected_app_token_is_reported_and_the_web_chat_keeps_working(
    start_govbot, fake_slack, fake_openai, caplog
):
    fake_slack.fail("apps.connections.open", "invalid_auth")
    async with start_govbot(env=socket_env(), slack_api_url=fake_slack.api_url, slack_socket_mode=True) as gb:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{gb.url}/healthz") as response:
                assert response.status == 200
    assert "Slack Socket Mode에 연결하지 못했습니다" in caplog.text and "SLACK_APP_TOKEN" in caplog.text
    assert "invalid_auth" in caplog.text

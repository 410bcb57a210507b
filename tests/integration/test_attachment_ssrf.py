"""Security regression: attachment URLs cannot make govbot fetch internal addresses (SSRF) or leak the bot token.

Each test attacks a running govbot over HTTP on 127.0.0.1 the way an outside tester did: a Teams activity or a
Slack event whose attachment URL points at an internal "secret" service (tests/fakes/secret_server.py). The secret
must not reach the reply or the model, and the secret service must see no request (or, for Slack, no token).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from tests.fakes.bot_connector import FakeBotConnector
from tests.fakes.secret_server import SECRET, SecretServer
from tests.fakes.slack_server import BOT_TOKEN, FakeSlack
from tests.integration.slack_support import block_texts, direct_message, send_event, slack_env
from tests.integration.teams import personal_message, post_activity


@pytest.fixture
async def secret() -> AsyncIterator[SecretServer]:
    server = await SecretServer().start()
    yield server
    await server.stop()


@pytest.fixture
async def front() -> AsyncIterator[SecretServer]:
    """A second service, used as a (listed) file host that redirects elsewhere."""
    server = await SecretServer().start()
    yield server
    await server.stop()


@pytest.fixture
async def connector() -> AsyncIterator[FakeBotConnector]:
    server = await FakeBotConnector().start()
    yield server
    await server.stop()


# ---- Teams ----------------------------------------------------------------------------------


def teams_file(connector: FakeBotConnector, text: str, name: str, url: str, *, inline: bool = False) -> dict:
    activity = personal_message(connector.url, text)
    if inline:  # an inline image / Bot Framework attachment: contentUrl
        attachment = {"contentType": "text/plain", "name": name, "contentUrl": url}
    else:  # a personal-chat file: file.download.info with downloadUrl
        attachment = {
            "contentType": "application/vnd.microsoft.teams.file.download.info",
            "name": name,
            "content": {"downloadUrl": url, "uniqueId": "u1", "fileType": name.rsplit(".", 1)[-1]},
        }
    activity["attachments"] = [attachment]
    return activity


def teams_sent(connector: FakeBotConnector) -> str:
    return json.dumps([c.body for c in connector.calls], ensure_ascii=False)


async def teams_reply_naming(connector: FakeBotConnector, *needles: str) -> str:
    """The first answer card containing any of `needles` (the refusal names the file; a leak gets the model's)."""
    found = await connector.wait_for(
        lambda c: [
            m for m in c.messages() if m.card and any(n in json.dumps(m.card, ensure_ascii=False) for n in needles)
        ]
    )
    return json.dumps(found[-1].card, ensure_ascii=False)


@pytest.mark.parametrize("inline", [False, True], ids=["downloadUrl", "contentUrl"])
async def test_teams_attachment_at_a_loopback_secret_is_never_fetched(
    start_govbot, fake_openai, connector, secret, inline
):
    # Attack: the activity names http://127.0.0.1:<port>/secret.txt as the file's download URL; govbot used to
    # fetch it and show the internal service's answer in the reply and send it to the model.
    fake_openai.reply_with("요약했습니다.")
    async with start_govbot(teams_dev_emulator=True) as gb:
        await post_activity(
            gb.url, teams_file(connector, "이 파일 요약해 줘", "내부자료.txt", secret.secret_url, inline=inline)
        )
        card = await teams_reply_naming(connector, "내부자료.txt", "요약했습니다.")
    assert SECRET not in teams_sent(connector)
    assert SECRET not in json.dumps(fake_openai.requests, ensure_ascii=False)
    assert secret.requests == []
    assert "보안상 Teams 파일 서버가 아닌 곳(127.0.0.1)" in card  # the official is told why


async def test_teams_listed_file_host_cannot_redirect_to_an_internal_secret(
    start_govbot, fake_openai, connector, secret, front
):
    # Attack: the download URL is on a host the installation trusts (on-premises list), which answers with a
    # redirect to the internal secret service; each hop must be checked, not followed blindly.
    fake_openai.reply_with("요약했습니다.")
    async with start_govbot(teams_onprem_file_hosts=[f"127.0.0.1:{front.port}"], teams_dev_emulator=True) as gb:
        url = front.redirect_url(secret.secret_url)
        await post_activity(gb.url, teams_file(connector, "이 파일 요약해 줘", "회의록.txt", url))
        card = await teams_reply_naming(connector, "회의록.txt", "요약했습니다.")
    assert [r["path"] for r in front.requests] == ["/go"]
    assert secret.requests == []
    assert SECRET not in teams_sent(connector)
    assert SECRET not in json.dumps(fake_openai.requests, ensure_ascii=False)
    assert "허용되지 않은 곳(127.0.0.1)으로 넘겨 보내" in card  # the official is told why


# ---- Slack ----------------------------------------------------------------------------------


def slack_entry(name: str, url: str) -> dict:
    return {
        "id": "F0EVIL0001",
        "name": name,
        "title": name,
        "mimetype": "text/plain",
        "filetype": "txt",
        "size": 100,
        "url_private": url,
        "url_private_download": url,
    }


def slack_sent(fake: FakeSlack) -> str:
    return json.dumps([c.args for c in fake.calls], ensure_ascii=False)


async def slack_reply_naming(fake: FakeSlack, *needles: str) -> str:
    """The first final reply containing any of `needles` (the refusal names the file; a leak gets the model's)."""

    def done():
        return [
            c
            for c in fake.called("chat.update") + fake.called("chat.postMessage")
            if any(n in block_texts(c.args.get("blocks")) for n in needles)
            and "작성 중" not in block_texts(c.args.get("blocks"))
        ]

    found = await fake.wait_for(done)
    return block_texts(found[-1].args.get("blocks"))


def slack_govbot(start_govbot, fake_slack: FakeSlack):
    # Configured like every Slack test: the fake Web API (and its file host) named as an on-premises/test host.
    return start_govbot(
        env=slack_env(),
        slack_api_url=fake_slack.api_url,
        slack_update_seconds=0.2,
        slack_onprem_file_hosts=[f"127.0.0.1:{fake_slack.port}"],
    )


async def test_slack_file_url_on_an_unlisted_host_gets_neither_request_nor_token(
    start_govbot, fake_openai, fake_slack, secret
):
    # Attack: a forged file_share event whose url_private_download names another port of the Slack API host;
    # govbot used to send its bot token there and show what came back.
    fake_openai.reply_with("요약했습니다.")
    async with slack_govbot(start_govbot, fake_slack) as gb:
        await send_event(
            gb.url, direct_message("이 파일 요약해줘", files=[slack_entry("내부자료.txt", secret.secret_url)])
        )
        reply = await slack_reply_naming(fake_slack, "내부자료.txt", "요약했습니다.")
    assert secret.requests == []
    assert SECRET not in slack_sent(fake_slack)
    assert SECRET not in json.dumps(fake_openai.requests, ensure_ascii=False)
    assert "보안상 Slack 파일 서버가 아닌 곳(127.0.0.1)" in reply  # the official is told why


async def test_slack_file_host_redirect_to_an_internal_secret_is_refused(start_govbot, fake_openai, fake_slack, secret):
    # Attack: the (trusted) file host answers the download with a redirect to an internal service;
    # govbot used to follow it and read the secret.
    fake_openai.reply_with("요약했습니다.")
    entry = fake_slack.add_redirect("F0REDIR001", "회의록.txt", secret.secret_url)
    async with slack_govbot(start_govbot, fake_slack) as gb:
        await send_event(gb.url, direct_message("이 파일 요약해줘", files=[entry]))
        reply = await slack_reply_naming(fake_slack, "회의록.txt", "요약했습니다.")
    assert secret.requests == []
    assert SECRET not in slack_sent(fake_slack)
    assert SECRET not in json.dumps(fake_openai.requests, ensure_ascii=False)
    assert "허용되지 않은 곳(127.0.0.1)으로 넘겨 보내" in reply  # the official is told why


async def test_slack_token_is_not_sent_on_a_redirect_to_another_listed_host(
    start_govbot, fake_openai, fake_slack, front
):
    # A file host that moved the file to another host the installation lists: the file is read, but the bot
    # token stays with the Slack host it belongs to.
    fake_openai.reply_with("회의록을 읽었습니다.")
    entry = fake_slack.add_redirect("F0REDIR002", "회의록.txt", front.secret_url)
    async with start_govbot(
        env=slack_env(),
        slack_api_url=fake_slack.api_url,
        slack_update_seconds=0.2,
        slack_onprem_file_hosts=[f"127.0.0.1:{fake_slack.port}", f"127.0.0.1:{front.port}"],
    ) as gb:
        await send_event(gb.url, direct_message("이 파일 요약해줘", files=[entry]))
        await slack_reply_naming(fake_slack, "회의록을 읽었습니다.")
    assert fake_slack.file_requests[0]["authorization"] == f"Bearer {BOT_TOKEN}"
    assert front.requests == [{"path": "/secret.txt", "authorization": None}]

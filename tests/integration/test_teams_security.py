"""Security regression tests for the Teams endpoint: each attacks a running govbot over HTTP the way the outside
attack test did (or the way an attacker on the network would), and checks that nothing happened."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import select

from bot.conversation import FilePart, Reply
from bot.server import build_app
from bot.store.models import DepartmentRole, QuotaOverride, UsageRecord
from tests.fakes.bot_connector import FakeBotConnector
from tests.integration.teams import (
    TRAFFIC_CHANNEL,
    channel_mention,
    execute_invoke,
    personal_message,
    post_activity,
    submit_message,
    user,
)
from tests.integration.test_teams import texts_of

PARK_AAD = "6f1c2a90-1111-4c2e-9a51-000000000001"  # 박지영, 교통행정과 admin in app.yaml


def park() -> dict:
    return user(aad=PARK_AAD, name="박지영", account="29:park-jiyoung")


@pytest.fixture
async def connector() -> AsyncIterator[FakeBotConnector]:
    server = await FakeBotConnector().start()
    yield server
    await server.stop()


async def rows(runtime, model) -> list:
    async with runtime.store.sessions() as session:
        return list((await session.scalars(select(model))).all())


def elements(card: dict, kind: str) -> list[dict]:
    found: list[dict] = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == kind:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card.get("body", []))
    return found


# ---- 1. nobody may act as an official through an unauthenticated /api/messages --------------------------------


async def test_without_teams_configured_there_is_no_endpoint_to_impersonate_an_admin(
    start_govbot, fake_openai, connector
):
    # Attack: govbot runs with the defaults (no MicrosoftAppId). An outsider POSTs Bot Framework activities claiming
    # to be 박지영 (교통행정과 admin, by her AAD object id from app.yaml) with deliveryMode=expectReplies, so the
    # answers come back in the HTTP response: raise the quota, make someone admin, read a private assistant.
    async with start_govbot() as gb:
        for command in ("/quota set tokens_per_day 999999999", "/role lee.seoyeon admin", "/assistant show 비공개"):
            activity = personal_message(connector.url, command, sender=park(), deliveryMode="expectReplies")
            status, body = await post_activity(gb.url, activity)
            assert status == 404, (command, status, body)
            assert "바꿨습니다" not in str(body) and "activities" not in str(body)
        async with aiohttp.ClientSession() as session:  # no file route either
            async with session.get(f"{gb.url}/api/teams/files/anything") as response:
                assert response.status == 404
        assert await rows(gb.runtime, QuotaOverride) == []
        assert await rows(gb.runtime, DepartmentRole) == []
        assert "teams" not in gb.runtime.bot.services.posters
    assert connector.calls == []


async def test_dev_emulator_answers_only_tcp_peers_on_this_machine(start_govbot, fake_openai, connector, tmp_path):
    # Attack: the development emulator is switched on, and a client that is NOT on this machine posts an activity
    # naming a loopback serviceUrl (which it controls in the body) and adding X-Forwarded-For: 127.0.0.1. Only the
    # TCP peer address may count. We cannot leave 127.0.0.1 in tests, so the non-loopback peer is a client on a
    # Unix socket served by the same application (its peer address is not a loopback IP either).
    async with start_govbot(teams_dev_emulator=True) as gb:
        runner = web.AppRunner(build_app(gb.runtime), access_log=None)
        await runner.setup()
        socket_path = str(tmp_path / "govbot.sock")
        await web.UnixSite(runner, socket_path).start()
        try:
            activity = personal_message(
                connector.url, "/quota set tokens_per_day 999999999", sender=park(), deliveryMode="expectReplies"
            )
            forged = {"X-Forwarded-For": "127.0.0.1", "Forwarded": "for=127.0.0.1", "Host": "127.0.0.1"}
            async with aiohttp.ClientSession(connector=aiohttp.UnixConnector(path=socket_path)) as session:
                async with session.post("http://127.0.0.1/api/messages", json=activity, headers=forged) as response:
                    assert response.status == 403
                    assert "GOVBOT_TEAMS_DEV_EMULATOR" in (await response.json())["message"]
            assert await rows(gb.runtime, QuotaOverride) == []
            assert connector.calls == []

            # The same activity over TCP from 127.0.0.1 is what the emulator mode is for (and proves the check above
            # refused the peer, not the activity).
            status, body = await post_activity(gb.url, {**activity, "id": "act-local-1"})
            assert status == 200 and "999999999" in str(body)
        finally:
            await runner.cleanup()


async def test_dev_emulator_is_refused_in_a_production_installation(start_govbot, fake_openai, connector):
    # Attack: someone left GOVBOT_TEAMS_DEV_EMULATOR=true in a production installation (GOVBOT_WEB_DEV_LOGIN=false),
    # e.g. behind a reverse proxy on the same host, where every request arrives from 127.0.0.1.
    async with start_govbot(teams_dev_emulator=True, web_dev_login=False) as gb:
        activity = personal_message(
            connector.url, "/quota set tokens_per_day 999999999", sender=park(), deliveryMode="expectReplies"
        )
        status, body = await post_activity(gb.url, activity)
        assert status == 503
        assert "GOVBOT_TEAMS_DEV_EMULATOR" in body["message"] and "GOVBOT_WEB_DEV_LOGIN=false" in body["message"]
        assert await rows(gb.runtime, QuotaOverride) == []
    assert connector.calls == []


# ---- 11. result-file links never take their host from a request ------------------------------------------------


async def test_file_links_do_not_follow_a_forged_host_header(start_govbot, fake_openai, connector):
    # Attack: Host header poisoning. Any request to /api/messages, even one refused, with `Host: evil.example` set
    # the base of every later result-file link: the next "파일 받기" button govbot posts (here the complaint-triage
    # XLSX forwarded into a channel, and an Action.Execute answer) would send officials and the file token there.
    fake_openai.reply_with("네.")

    async def export(action, identity):
        return Reply("민원 분류 결과입니다.", kind="answer", parts=[FilePart("분류결과.csv", "text/csv", b"a,b\n")])

    async with start_govbot(teams_dev_emulator=True, actions={"export": export}) as gb:
        await post_activity(gb.url, channel_mention(connector.url, "테스트"))  # govbot hears the channel
        await connector.wait_for(lambda c: [m for m in c.messages() if m.card and "네." in texts_of(m.card)])

        poisoned = {"Host": "evil.example"}
        refused = personal_message("https://smba.trafficmanager.net/kr/", "안녕하세요")
        assert (await post_activity(gb.url, refused, poisoned))[0] in (401, 403)  # refused, yet it counted
        status, body = await post_activity(gb.url, execute_invoke(connector.url, "export", "batch-1"), poisoned)
        assert status == 200
        link = next(a for a in body["value"]["actions"] if a["type"] == "Action.OpenUrl")["url"]
        assert "evil.example" not in link and link.startswith(gb.url + "/api/teams/files/")

        poster = gb.runtime.bot.services.posters["teams"]
        forwarded = Reply("[민원 이관] 분류 결과", kind="info", parts=[FilePart("분류결과.xlsx", "text/csv", b"x")])
        assert await poster.post(TRAFFIC_CHANNEL, forwarded)
        card = connector.of_kind("create")[-1].body["activity"]["attachments"][0]["content"]
        link = next(a for a in card["actions"] if a["type"] == "Action.OpenUrl")["url"]
        assert "evil.example" not in link and link.startswith(gb.url + "/api/teams/files/")
        async with aiohttp.ClientSession() as session:
            async with session.get(link) as response:
                assert response.status == 200 and await response.read() == b"x"


async def test_with_an_app_id_a_public_url_is_required_and_named(start_govbot, connector):
    # Attack (as above, against a real deployment): with MicrosoftAppId but no GOVBOT_TEAMS_PUBLIC_URL the link base
    # came from whichever request arrived last, authenticated or not. Now the endpoint refuses to run and says why.
    dead = "http://127.0.0.1:9"
    env = {
        "MicrosoftAppId": "3f5e8a1c-0000-4000-8000-000000000001",
        "MicrosoftAppPassword": "test-secret",
        "HTTPS_PROXY": dead,
        "HTTP_PROXY": dead,
    }
    async with start_govbot(env=env) as gb:
        status, body = await post_activity(
            gb.url,
            personal_message(connector.url, "안녕하세요"),
            {"Authorization": "Bearer x.y.z", "Host": "evil.example"},
        )
        assert status == 503 and "GOVBOT_TEAMS_PUBLIC_URL" in body["message"]
    assert connector.calls == []


# ---- 17. malformed activities, unknown buttons, Markdown tables ------------------------------------------------


async def test_activity_without_conversation_or_service_url_gets_a_clear_400(start_govbot, connector, caplog):
    # Attack: activities missing the fields botbuilder needs (no conversation; an empty serviceUrl) used to get 202
    # and a traceback in the log, or slip past the loopback check; both must be refused up front with a clear body.
    caplog.set_level(logging.INFO)
    async with start_govbot(teams_dev_emulator=True) as gb:
        no_conversation = personal_message(connector.url, "안녕하세요")
        del no_conversation["conversation"]
        status, body = await post_activity(gb.url, no_conversation)
        assert status == 400 and "conversation.id" in body["message"]

        for empty in ("", "   "):
            status, body = await post_activity(gb.url, personal_message(empty, "안녕하세요"))
            assert status == 400 and "serviceUrl" in body["message"], (empty, status, body)
        no_url = personal_message(connector.url, "안녕하세요")
        del no_url["serviceUrl"]
        status, body = await post_activity(gb.url, no_url)
        assert status == 400 and "serviceUrl" in body["message"]

        invoke = execute_invoke(connector.url, "feedback", "x:up")
        invoke["conversation"] = {}
        status, body = await post_activity(gb.url, invoke)
        assert status == 400 and "conversation.id" in body["message"]
    assert connector.calls == []
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_unknown_action_execute_verb_is_refused_not_reported_done(start_govbot, fake_openai, connector):
    # Attack: a crafted Action.Execute with a verb govbot never put on a card used to be answered
    # 200 "처리했습니다" (done), as if something had happened.
    async with start_govbot(teams_dev_emulator=True) as gb:
        status, body = await post_activity(gb.url, execute_invoke(connector.url, "delete_all_complaints", "1"))
        assert status == 400
        assert body["type"] == "application/vnd.microsoft.error" and body["statusCode"] == 400
        assert "delete_all_complaints" in body["value"]["message"] and "처리했습니다" not in str(body)
        status, body = await post_activity(gb.url, execute_invoke(connector.url, "[여기](https://evil.example)", "1"))
        assert status == 400 and "evil.example" not in body["value"]["message"]  # the sender's Markdown is not echoed

        # A known verb from someone govbot does not know is refused as well, with what to do.
        stranger = user(aad="aad-stranger", name="홍길동", account="29:stranger")
        status, body = await post_activity(gb.url, execute_invoke(connector.url, "feedback", "x:up", sender=stranger))
        assert status == 400 and "등록되지 않은 사용자" in body["value"]["message"]
        assert "처리했습니다" not in str(body)

        # The Action.Submit fallback of older clients gets the same refusal as a message.
        await post_activity(gb.url, submit_message(connector.url, "delete_all_complaints", "1"))
        told = await connector.wait_for(
            lambda c: [m for m in c.messages() if m.card and "delete_all_complaints" in texts_of(m.card)]
        )
        assert "처리할 수 없습니다" in texts_of(told[-1].card)


async def test_markdown_table_from_the_model_becomes_a_table_element(start_govbot, fake_openai, connector):
    # Not an attack: a model answer with a GFM table used to reach Teams as raw pipes in a TextBlock.
    fake_openai.reply_with(
        "부서별 민원 현황입니다.\n\n| 부서 | 건수 |\n|---|---:|\n| **도로과** | 12 |\n| 교통행정과 | 7 |\n\n도로과가 가장 많습니다."
    )
    async with start_govbot(teams_dev_emulator=True) as gb:
        await post_activity(gb.url, personal_message(connector.url, "부서별 민원 건수 표로 보여줘"))
        sent = await connector.wait_for(
            lambda c: [m for m in c.messages() if m.card and "가장 많습니다" in texts_of(m.card)]
        )
        card = sent[-1].card
        tables = elements(card, "Table")
        assert len(tables) == 1
        cells = [[cell["items"][0]["text"] for cell in row["cells"]] for row in tables[0]["rows"]]
        assert cells == [["부서", "건수"], ["**도로과**", "12"], ["교통행정과", "7"]]
        assert "|---" not in texts_of(card) and "| 부서 |" not in texts_of(card)
        usage = await rows(gb.runtime, UsageRecord)
        assert len(usage) == 1

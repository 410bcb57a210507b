"""The Teams adapter end to end: Bot Framework activities posted to /api/messages of a running govbot,
answered through botbuilder's real CloudAdapter into a fake Bot Connector on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.store.models import Feedback, UsageRecord
from tests.fakes.bot_connector import FakeBotConnector
from tests.integration.teams import (
    BOT_ID,
    TRAFFIC_CHANNEL,
    channel_mention,
    execute_invoke,
    members_added,
    personal_message,
    post_activity,
    submit_message,
    user,
)


@pytest.fixture
async def connector() -> AsyncIterator[FakeBotConnector]:
    server = await FakeBotConnector().start()
    yield server
    await server.stop()


def texts_of(card: dict) -> str:
    """Every TextBlock text in a card, nested containers and tables included."""
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "TextBlock":
                found.append(node.get("text", ""))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card.get("body", []))
    return "\n".join(found)


async def rows(runtime, model):
    async with runtime.store.sessions() as session:
        return list((await session.scalars(select(model))).all())


async def test_personal_message_is_answered_through_the_gateway_with_typing_first(start_govbot, fake_openai, connector):
    fake_openai.reply_with("불법주정차 과태료는 도로교통법 제160조에 따릅니다.")
    async with start_govbot(teams_dev_emulator=True) as gb:
        activity = personal_message(connector.url, "불법주정차 과태료 기준 알려줘")
        status, _ = await post_activity(gb.url, activity)
        assert status == 202
        final = await connector.wait_for(
            lambda c: [m for m in c.messages() if m.card and "제160조" in texts_of(m.card)]
        )
        conversation = activity["conversation"]["id"]
        calls = [c for c in connector.calls if c.conversation_id == conversation]
        assert calls[0].type == "typing" and calls[0].kind == "reply" and calls[0].activity_id == activity["id"]
        placeholder = calls[1]
        assert placeholder.kind == "reply" and placeholder.body["text"] == "작성 중…"
        answer = final[-1]
        assert answer.kind == "update"  # the placeholder was replaced by the answer card
        card = answer.card
        assert card["version"] == "1.5"
        body = texts_of(card)
        assert "불법주정차 과태료는 도로교통법 제160조에 따릅니다." in body
        assert gb.runtime.config.organisation.ai_notice in body  # the AI notice as footer
        verbs = [a.get("verb") for a in card.get("actions", [])]
        assert verbs == ["feedback", "feedback"]
        assert connector.messages()[-1] is answer  # nothing sent after the answer
        usage = await rows(gb.runtime, UsageRecord)
        assert [(u.department_id, u.user_id) for u in usage] == [("traffic", "kim.minsu")]
    sent = fake_openai.requests[0]["messages"]
    assert sent[-1] == {"role": "user", "content": "불법주정차 과태료 기준 알려줘"}


def answer_id_of(card: dict) -> str:
    value = next(a["data"]["value"] for a in card["actions"] if a.get("verb") == "feedback")
    return value.split(":")[0]


async def test_channel_mention_is_answered_in_its_reply_chain_with_the_mention_stripped(
    start_govbot, fake_openai, connector
):
    fake_openai.reply_with("스쿨존 킥보드 주차는 금지됩니다.")
    fake_openai.reply_with("위반 시 과태료 4만 원입니다.")
    async with start_govbot(teams_dev_emulator=True) as gb:
        post = channel_mention(connector.url, "스쿨존 킥보드 주차 돼?")
        assert (await post_activity(gb.url, post))[0] == 202
        thread = post["conversation"]["id"]
        await connector.wait_for(lambda c: [m for m in c.messages() if m.card and "금지됩니다" in texts_of(m.card)])
        assert {c.conversation_id for c in connector.calls} == {thread}  # everything went into the post's reply chain
        assert thread == f"{TRAFFIC_CHANNEL};messageid={post['id']}"

        follow_up = channel_mention(connector.url, "위반하면?", root=post["id"])
        assert (await post_activity(gb.url, follow_up))[0] == 202
        await connector.wait_for(lambda c: [m for m in c.messages() if m.card and "4만 원" in texts_of(m.card)])
        assert {c.conversation_id for c in connector.calls} == {thread}
    first, second = fake_openai.requests
    assert first["messages"][-1] == {"role": "user", "content": "스쿨존 킥보드 주차 돼?"}  # "<at>govbot</at>" removed
    assert [m["content"] for m in second["messages"][1:]] == [
        "스쿨존 킥보드 주차 돼?",
        "스쿨존 킥보드 주차는 금지됩니다.",
        "위반하면?",
    ]


async def test_channel_message_without_mention_is_left_alone(start_govbot, fake_openai, connector):
    async with start_govbot(teams_dev_emulator=True) as gb:
        post = channel_mention(connector.url, "회의 몇 시죠?")
        post["text"], post["entities"] = "회의 몇 시죠?", []
        assert (await post_activity(gb.url, post))[0] == 202
        welcome = members_added(
            connector.url, personal=False
        )  # something we do answer, to know the first was processed
        await post_activity(gb.url, welcome)
        await connector.wait_for(lambda c: c.messages())
        assert all(c.conversation_id == TRAFFIC_CHANNEL for c in connector.calls)
    assert fake_openai.requests == []


async def test_action_execute_invoke_gets_200_with_its_body_and_feedback_is_recorded(
    start_govbot, fake_openai, connector
):
    fake_openai.reply_with("답변입니다.")
    async with start_govbot(teams_dev_emulator=True) as gb:
        await post_activity(gb.url, personal_message(connector.url, "민원 회신문 구성 알려줘"))
        answer = await connector.wait_for(
            lambda c: [m for m in c.messages() if m.card and "답변입니다." in texts_of(m.card)]
        )
        answer_id = answer_id_of(answer[-1].card)
        status, body = await post_activity(gb.url, execute_invoke(connector.url, "feedback", f"{answer_id}:up"))
        assert status == 200  # botbuilder's CloudAdapter.process would answer 500 here
        assert body == {
            "statusCode": 200,
            "type": "application/vnd.microsoft.activity.message",
            "value": "의견 감사합니다. 답변 품질 개선에 반영하겠습니다.",
        }
        feedback = await rows(gb.runtime, Feedback)
        assert [(f.answer_id, f.user_id, f.platform, f.value) for f in feedback] == [
            (answer_id, "kim.minsu", "teams", "up")
        ]


async def test_action_execute_answering_with_a_card_and_a_file_link(start_govbot, fake_openai, connector):
    from bot.conversation import FilePart, Reply, Table

    async def export(action, identity):
        data = "접수번호,내용\n1,포트홀\n".encode()
        return Reply(
            "민원 2건을 분류했습니다.",
            kind="answer",
            parts=[
                Table(("부서", "건수"), (("도로과", "1"), ("교통행정과", "1")), title="부서별"),
                FilePart("분류결과.csv", "text/csv", data),
            ],
        )

    async with start_govbot(teams_dev_emulator=True, actions={"export": export}) as gb:
        status, body = await post_activity(gb.url, execute_invoke(connector.url, "export", "batch-7"))
        assert status == 200 and body["type"] == "application/vnd.microsoft.card.adaptive"
        card = body["value"]
        table = next(e for e in card["body"] if e["type"] == "Table")
        assert [c["items"][0]["text"] for c in table["rows"][1]["cells"]] == ["도로과", "1"]
        link = next(a for a in card["actions"] if a["type"] == "Action.OpenUrl")
        assert "분류결과.csv" in link["title"]
        import aiohttp

        async with aiohttp.ClientSession() as session:
            async with session.get(link["url"]) as response:
                assert response.status == 200
                assert (await response.read()).decode("utf-8").startswith("접수번호,내용")
            async with session.get(link["url"].rsplit("/", 1)[0] + "/not-a-token") as response:
                assert response.status == 404 and "만료" in (await response.json())["message"]


async def test_feedback_submitted_with_action_submit_is_recorded(start_govbot, fake_openai, connector):
    fake_openai.reply_with("답변입니다.")
    async with start_govbot(teams_dev_emulator=True) as gb:
        await post_activity(gb.url, personal_message(connector.url, "질문"))
        answer = await connector.wait_for(
            lambda c: [m for m in c.messages() if m.card and "답변입니다." in texts_of(m.card)]
        )
        answer_id = answer_id_of(answer[-1].card)
        assert (await post_activity(gb.url, submit_message(connector.url, "feedback", f"{answer_id}:down")))[0] == 202
        await connector.wait_for(
            lambda c: [m for m in c.messages() if m.card and "의견 감사합니다" in texts_of(m.card)]
        )
        feedback = await rows(gb.runtime, Feedback)
        assert [(f.answer_id, f.value, f.platform) for f in feedback] == [(answer_id, "down", "teams")]
    assert len(fake_openai.requests) == 1  # the submit was not taken for a question


async def test_welcome_card_on_conversation_update(start_govbot, connector):
    async with start_govbot(teams_dev_emulator=True) as gb:
        assert (await post_activity(gb.url, members_added(connector.url)))[0] == 202
        sent = await connector.wait_for(lambda c: c.messages())
        card = sent[0].card
        text = texts_of(card)
        assert "한빛구청 govbot" in text and "김민수님" in text and "교통행정과" in text
        starters = [a["data"]["msteams"]["value"] for a in card["actions"]]
        assert "주민 설명회 안내문을 공손한 문체로 다듬어 줘" in starters
        assert all(a["data"]["msteams"]["type"] == "imBack" for a in card["actions"])

        stranger = user(aad="00000000-0000-0000-0000-00000000dead", name="홍길동", account="29:stranger")
        await post_activity(gb.url, members_added(connector.url, sender=stranger))
        second = await connector.wait_for(lambda c: c.messages()[1:])
        assert "등록되지 않은 사용자" in texts_of(second[0].card) and "스마트정보과" in texts_of(second[0].card)

        await post_activity(gb.url, members_added(connector.url, personal=False))  # added to a team by 김민수
        in_channel = await connector.wait_for(
            lambda c: [m for m in c.messages() if m.conversation_id == TRAFFIC_CHANNEL]
        )
        channel_text = texts_of(in_channel[0].card)
        assert "@govbot" in channel_text and "김민수" not in channel_text and "사용량" not in channel_text


async def test_with_an_app_id_unauthenticated_requests_get_401_without_leaving_the_machine(start_govbot, connector):
    import base64
    import json

    def unsigned_jwt(issuer: str) -> str:
        def part(value: dict) -> str:
            return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

        return f"{part({'alg': 'RS256', 'typ': 'JWT', 'kid': 'x'})}.{part({'iss': issuer, 'aud': 'app', 'exp': 4102444800})}.c2ln"

    dead = "http://127.0.0.1:9"  # any attempt to fetch signing keys would go here and fail, not to Microsoft
    env = {
        "MicrosoftAppId": "3f5e8a1c-0000-4000-8000-000000000001",
        "MicrosoftAppPassword": "test-secret",
        "GOVBOT_TEAMS_PUBLIC_URL": "https://govbot.hanbit.go.kr",
        "HTTPS_PROXY": dead,
        "HTTP_PROXY": dead,
    }
    async with start_govbot(env=env) as gb:
        activity = personal_message(connector.url, "안녕하세요")
        for headers in (
            {},
            {"Authorization": "Bearer not-a-jwt"},
            {"Authorization": f"Bearer {unsigned_jwt('https://evil.example')}"},
            {"Authorization": "Basic abc"},
        ):
            status, body = await post_activity(gb.url, activity, headers)
            assert status == 401, headers
            assert "토큰" in body["message"]
        status, _ = await post_activity(gb.url, execute_invoke(connector.url, "feedback", "x:up"))
        assert status == 401
    assert connector.calls == []


async def test_emulator_mode_accepts_only_loopback_service_urls(start_govbot, connector):
    async with start_govbot(teams_dev_emulator=True) as gb:
        status, body = await post_activity(
            gb.url, personal_message("https://smba.trafficmanager.net/kr/", "안녕하세요")
        )
        assert status == 403 and "MicrosoftAppId" in body["message"]
        status, body = await post_activity(gb.url, {"text": "no type"})
        assert status == 400 and "type" in body["message"]


async def test_throttling_and_server_errors_from_the_connector_are_retried(start_govbot, fake_openai, connector):
    fake_openai.reply_with("재시도 후에도 답변이 도착합니다.")
    connector.fail_next(429, times=2, retry_after=0.2)
    connector.fail_next(503, times=1)
    async with start_govbot(teams_dev_emulator=True) as gb:
        await post_activity(gb.url, personal_message(connector.url, "질문"))
        await connector.wait_for(
            lambda c: [m for m in c.messages() if m.card and "재시도 후에도" in texts_of(m.card)], timeout=20
        )
        # The typing indicator took the first 429 and was dropped (never retried); the placeholder was retried twice.
        assert connector.failed == [("reply", 429), ("reply", 429), ("reply", 503)]
        assert [(c.kind, c.body.get("text")) for c in connector.calls][:1] == [("reply", "작성 중…")]

        # A connector that keeps failing costs this one answer but not the app. Typing is tried once, the
        # placeholder and the answer four times each; then the user is told (error number) once it recovers.
        connector.fail_next(500, times=12)
        await post_activity(gb.url, personal_message(connector.url, "두 번째 질문"))
        told = await connector.wait_for(
            lambda c: [m for m in c.messages() if "오류 번호" in (m.body.get("text") or "")], timeout=30
        )
        assert "스마트정보과" in told[0].body["text"]
        assert len(connector.failed) == 3 + 12
        fake_openai.reply_with("세 번째 답변")
        await post_activity(gb.url, personal_message(connector.url, "세 번째 질문"))
        await connector.wait_for(
            lambda c: [m for m in c.messages() if m.card and "세 번째 답변" in texts_of(m.card)], timeout=20
        )


async def test_user_found_by_upn_and_unknown_user_told_clearly(start_govbot, fake_openai, connector):
    fake_openai.reply_with("UPN으로 찾은 사용자에게 답합니다.")
    connector.add_member(
        "29:lee-seoyeon", aad_object_id="aad-lee-not-in-app-yaml", upn="Lee.Seoyeon@hanbit.go.kr", name="이서연"
    )
    async with start_govbot(teams_dev_emulator=True) as gb:
        lee = user(aad="aad-lee-not-in-app-yaml", name="이서연", account="29:lee-seoyeon")
        await post_activity(gb.url, personal_message(connector.url, "질문", sender=lee))
        await connector.wait_for(lambda c: [m for m in c.messages() if m.card and "UPN으로 찾은" in texts_of(m.card)])
        assert [c.activity_id for c in connector.of_kind("member")] == ["29:lee-seoyeon"]
        usage = await rows(gb.runtime, UsageRecord)
        assert [(u.user_id, u.department_id) for u in usage] == [("lee.seoyeon", "traffic")]

        stranger = user(aad="aad-stranger", name="홍길동", account="29:stranger")
        await post_activity(gb.url, personal_message(connector.url, "질문", sender=stranger))
        told = await connector.wait_for(
            lambda c: [m for m in c.messages() if m.card and "등록되지 않은 사용자" in texts_of(m.card)]
        )
        assert "홍길동" in texts_of(told[-1].card)
    assert len(fake_openai.requests) == 1


async def test_attachments_are_downloaded_and_failures_are_told(start_govbot, fake_openai, connector):
    fake_openai.reply_with("첨부 파일을 읽었습니다.")
    connector.files["complaints.txt"] = "1. 한빛로 12 앞 포트홀\n2. 스쿨존 킥보드 방치".encode()
    connector.files["big.txt"] = b"x" * (1024 * 1024 + 10)

    def with_file(text: str, name: str, url: str) -> dict:
        activity = personal_message(connector.url, text)
        activity["attachments"] = [
            {"contentType": "text/html", "content": f"<p>{text}</p>"},
            {
                "contentType": "application/vnd.microsoft.teams.file.download.info",
                "name": name,
                "content": {"downloadUrl": url, "uniqueId": "u1", "fileType": name.rsplit(".", 1)[-1]},
            },
        ]
        return activity

    # The fake connector serves the files from 127.0.0.1: named explicitly as an on-premises/test host.
    async with start_govbot(
        max_upload_mb=1, teams_onprem_file_hosts=[f"127.0.0.1:{connector.port}"], teams_dev_emulator=True
    ) as gb:
        await post_activity(
            gb.url, with_file("이 목록 요약해 줘", "민원목록.txt", connector.url + "files/complaints.txt")
        )
        await connector.wait_for(
            lambda c: [m for m in c.messages() if m.card and "첨부 파일을 읽었습니다." in texts_of(m.card)]
        )
        question = fake_openai.requests[0]["messages"][-1]["content"]
        assert (
            question.startswith("이 목록 요약해 줘")
            and "[첨부: 민원목록.txt]" in question
            and "한빛로 12 앞 포트홀" in question
        )

        await post_activity(gb.url, with_file("큰 파일", "큰파일.txt", connector.url + "files/big.txt"))
        too_big = await connector.wait_for(
            lambda c: [m for m in c.messages() if m.card and "큰파일.txt" in texts_of(m.card)]
        )
        assert "너무 큽니다(최대 1MB)" in texts_of(too_big[-1].card)

        await post_activity(gb.url, with_file("사라진 파일", "사라진.txt", connector.url + "files/gone.txt"))
        gone = await connector.wait_for(
            lambda c: [m for m in c.messages() if m.card and "사라진.txt" in texts_of(m.card)]
        )
        assert "HTTP 404" in texts_of(gone[-1].card)
    assert len(fake_openai.requests) == 1  # unreadable files are told, not sent to the model half-read


async def test_poster_starts_a_thread_in_a_channel_it_has_heard_from(start_govbot, fake_openai, connector):
    from bot.conversation import Reply

    fake_openai.reply_with("네.")
    async with start_govbot(teams_dev_emulator=True) as gb:
        poster = gb.runtime.bot.services.posters["teams"]
        assert await poster.post(TRAFFIC_CHANNEL, Reply("민원 요약")) is None  # nothing heard from that channel yet
        await post_activity(gb.url, channel_mention(connector.url, "테스트"))
        await connector.wait_for(lambda c: [m for m in c.messages() if m.card and "네." in texts_of(m.card)])
        connector.fail_next(429, retry_after=0.1, kinds={"create"})
        message_id = await poster.post(TRAFFIC_CHANNEL, Reply("[민원 이관] 한빛로 12 포트홀 신고 1건", kind="info"))
        assert message_id
        created = connector.of_kind("create")[-1]
        assert created.body["channelData"]["channel"]["id"] == TRAFFIC_CHANNEL
        assert created.body["isGroup"] is True and created.body["bot"]["id"] == BOT_ID
        card = created.body["activity"]["attachments"][0]["content"]
        assert "한빛로 12 포트홀" in texts_of(card)
        assert connector.failed == [("create", 429)]


async def test_answer_streams_into_the_placeholder_before_the_final_card(start_govbot, fake_openai, connector):
    answer = "첫째, 현장 사진을 확보합니다. 둘째, 위반 차량 번호를 기록합니다. 셋째, 과태료 부과 절차를 안내합니다."
    fake_openai.reply_with(answer)
    async with start_govbot(teams_update_seconds=0, teams_dev_emulator=True) as gb:
        await post_activity(gb.url, personal_message(connector.url, "단속 절차 알려줘"))
        await connector.wait_for(lambda c: [m for m in c.messages() if m.card and "셋째" in texts_of(m.card)])
        updates = connector.of_kind("update")
        interim, final = updates[:-1], updates[-1]
        assert interim, "no interim update while the answer was written"
        for update in interim:
            text = update.body["text"]
            assert text.endswith(" …") and answer.startswith(text[: -len(" …")])
            assert update.card is None
        assert final.card is not None and len({u.activity_id for u in updates}) == 1  # all on the one placeholder


async def test_answer_is_sent_anew_where_teams_refuses_the_update(start_govbot, fake_openai, connector):
    fake_openai.reply_with("수정이 막혀도 답변은 도착합니다.")
    connector.fail_next(403, kinds={"update"})
    async with start_govbot(teams_dev_emulator=True) as gb:
        await post_activity(gb.url, personal_message(connector.url, "질문"))
        sent = await connector.wait_for(
            lambda c: [m for m in c.messages() if m.card and "수정이 막혀도" in texts_of(m.card)]
        )
        assert sent[-1].kind == "reply"
        assert connector.failed == [("update", 403)]  # a 403 is not retried


async def test_a_redelivered_activity_is_answered_once(start_govbot, fake_openai, connector):
    fake_openai.reply_with("한 번만 답합니다.")
    async with start_govbot(teams_dev_emulator=True) as gb:
        activity = personal_message(connector.url, "질문")
        assert (await post_activity(gb.url, activity))[0] == 202
        assert (await post_activity(gb.url, activity))[0] == 202
        await connector.wait_for(lambda c: [m for m in c.messages() if m.card and "한 번만" in texts_of(m.card)])
        await post_activity(gb.url, members_added(connector.url))  # processed after the duplicate would have been
        await connector.wait_for(lambda c: [m for m in c.messages() if m.card and "김민수님" in texts_of(m.card)])
    assert len(fake_openai.requests) == 1
    assert len([c for c in connector.calls if c.body.get("text") == "작성 중…"]) == 1


async def test_group_chat_mention_is_answered_in_the_chat(start_govbot, fake_openai, connector):
    fake_openai.reply_with("그룹 채팅 답변입니다.")
    async with start_govbot(teams_dev_emulator=True) as gb:
        activity = channel_mention(connector.url, "회의록 양식 알려줘")
        activity["conversation"] = {"id": "19:group-chat-1@thread.v2", "conversationType": "groupChat", "isGroup": True}
        activity["channelData"] = {"tenant": {"id": "tenant-hanbit"}}
        await post_activity(gb.url, activity)
        await connector.wait_for(lambda c: [m for m in c.messages() if m.card and "그룹 채팅 답변" in texts_of(m.card)])
        assert {c.conversation_id for c in connector.calls} == {"19:group-chat-1@thread.v2"}
    assert fake_openai.requests[0]["messages"][-1]["content"] == "회의록 양식 알려줘"


async def test_incomplete_credentials_are_named_instead_of_failing_later(start_govbot, connector):
    async with start_govbot(
        env={"MicrosoftAppId": "3f5e8a1c-0000-4000-8000-000000000001", "MicrosoftAppType": "SingleTenant"}
    ) as gb:
        status, body = await post_activity(
            gb.url, personal_message(connector.url, "안녕하세요"), {"Authorization": "Bearer x.y.z"}
        )
        assert status == 503
        assert "MicrosoftAppPassword" in body["message"] and "MicrosoftAppTenantId" in body["message"]
        assert "GOVBOT_TEAMS_PUBLIC_URL" in body["message"]
        assert "teams" not in gb.runtime.bot.services.posters
    assert connector.calls == []


async def test_retries_are_ours_alone_so_a_failing_update_falls_back_after_four_attempts(
    start_govbot, fake_openai, connector
):
    # msrest would otherwise retry PUTs on 5xx inside each of our attempts (3 × 4 requests) before we ever saw an error.
    fake_openai.reply_with("업데이트가 계속 실패하면 새 메시지로 보냅니다.")
    connector.fail_next(503, times=4, kinds={"update"})
    async with start_govbot(teams_dev_emulator=True) as gb:
        await post_activity(gb.url, personal_message(connector.url, "질문"))
        sent = await connector.wait_for(
            lambda c: [m for m in c.messages() if m.card and "새 메시지로" in texts_of(m.card)], timeout=20
        )
        assert sent[-1].kind == "reply"
        assert connector.failed == [("update", 503)] * 4

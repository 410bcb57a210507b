"""Slack over HTTP: signed requests into /slack/events of a running govbot; what the fake Slack Web API
on 127.0.0.1 receives is what Slack would have received."""

from __future__ import annotations

import asyncio
import json
import time

from sqlalchemy import select

from bot.store.models import Feedback, UsageRecord
from tests.fakes.slack_server import BOT_ID, BOT_TOKEN, BOT_USER_ID, FakeSlack
from tests.integration.slack_support import (
    block_texts,
    button_press,
    channel_message,
    direct_message,
    mention,
    send_event,
    send_form,
    send_interaction,
    send_raw,
    slack_env,
    slash_command,
)


def posts_in(fake: FakeSlack, channel: str, thread_ts: str | None = None) -> list:
    return [
        c
        for c in fake.called("chat.postMessage")
        if c.args.get("channel") == channel and (thread_ts is None or c.args.get("thread_ts") == thread_ts)
    ]


def final_update_with(fake: FakeSlack, needle: str):
    return lambda: [
        c
        for c in fake.called("chat.update")
        if needle in block_texts(c.args.get("blocks")) and "작성 중" not in block_texts(c.args.get("blocks"))
    ]


async def test_mention_is_answered_in_its_thread_through_the_gateway(slack_govbot, fake_slack, fake_openai):
    fake_openai.reply_with("**불법주정차** 단속 기준은 도로교통법 제32조입니다.")
    async with slack_govbot() as gb:
        event = mention("불법주정차 단속 기준 알려줘")
        sent = await send_event(gb.url, event)
        assert sent.status == 200
        updates = await fake_slack.wait_for(final_update_with(fake_slack, "도로교통법 제32조"))
    # The "작성 중…" placeholder went into the mention's thread, and was replaced by the answer.
    placeholder = posts_in(fake_slack, "C0TRAFFIC01", event["ts"])[0]
    assert "작성 중" in placeholder.args["text"]
    final = updates[-1].args
    assert final["channel"] == "C0TRAFFIC01"
    texts = block_texts(final["blocks"])
    assert "*불법주정차* 단속 기준은 도로교통법 제32조입니다." in texts  # Markdown bold became mrkdwn bold
    assert gb.runtime.config.organisation.ai_notice in texts  # context line with the AI notice
    buttons = [e for b in final["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [b["text"]["text"] for b in buttons] == ["👍 도움이 됐어요", "👎 아쉬워요"]
    assert final["text"].startswith("불법주정차 단속 기준은")  # plain-text fallback
    # Through the gateway: the model saw the question without the mention markup; usage recorded for the official.
    assert fake_openai.requests[0]["messages"][-1] == {"role": "user", "content": "불법주정차 단속 기준 알려줘"}
    async with gb.runtime.store.sessions() as session:
        rows = list((await session.scalars(select(UsageRecord))).all())
    assert [(r.department_id, r.user_id) for r in rows] == [("traffic", "kim.minsu")]
    # Every Web API call carried the bot token.
    assert all(c.headers.get("Authorization") == f"Bearer {BOT_TOKEN}" for c in fake_slack.calls)


async def test_retried_event_is_answered_once(slack_govbot, fake_slack, fake_openai):
    fake_openai.reply_with("한 번만 답합니다.", delay=0.5)
    async with slack_govbot() as gb:
        event = mention("재전송 확인")
        first = await send_event(gb.url, event, event_id="Ev0RETRY0001")
        retry1 = await send_event(gb.url, event, event_id="Ev0RETRY0001", retry_num=1)
        retry2 = await send_event(gb.url, event, event_id="Ev0RETRY0001", retry_num=2)
        assert (first.status, retry1.status, retry2.status) == (200, 200, 200)
        await fake_slack.wait_for(final_update_with(fake_slack, "한 번만 답합니다."))
        await asyncio.sleep(0.5)  # time for a wrongly started second answer to reach the fakes
        await send_event(gb.url, mention("다른 질문"), event_id="Ev0RETRY0002")
        await fake_slack.wait_for(lambda: len(fake_openai.requests) == 2)
    assert len(posts_in(fake_slack, "C0TRAFFIC01", event["ts"])) == 1
    assert [r["messages"][-1]["content"] for r in fake_openai.requests] == ["재전송 확인", "다른 질문"]


async def test_bad_signature_and_stale_timestamp_get_401(slack_govbot, fake_slack, fake_openai):
    async with slack_govbot() as gb:
        body = json.dumps({"type": "event_callback", "event_id": "Ev0BAD", "team_id": "T", "event": mention("위조")})
        forged = await send_raw(gb.url, body, "application/json", secret="not-the-signing-secret")
        stale = await send_raw(gb.url, body, "application/json", timestamp=int(time.time()) - 6 * 60)
        missing = await send_raw(gb.url, body, "application/json", signature="v0=")
        fresh = await send_raw(
            gb.url, json.dumps({"type": "url_verification", "challenge": "챌린지-3eZbrw1aBm"}), "application/json"
        )
    assert (forged.status, stale.status, missing.status) == (401, 401, 401)
    assert fresh.status == 200 and json.loads(fresh.body)["challenge"] == "챌린지-3eZbrw1aBm"
    assert fake_openai.requests == []
    assert fake_slack.called("chat.postMessage") == []


async def test_dm_with_csv_attachment_is_downloaded_with_the_bearer_token_and_answered(
    slack_govbot, fake_slack, fake_openai
):
    csv_text = "접수번호,내용\n2026-001,학교 앞 불법주정차\n2026-002,킥보드 방치\n"
    fake_openai.reply_with("민원 2건을 확인했습니다.")
    entry = fake_slack.add_file("F0CSV00001", "민원목록.csv", csv_text.encode())
    async with slack_govbot() as gb:
        event = direct_message("첨부한 표 내용을 요약해줘", files=[entry])
        await send_event(gb.url, event)
        updates = await fake_slack.wait_for(final_update_with(fake_slack, "민원 2건을 확인했습니다."))
    assert fake_slack.file_requests == [
        {"path": entry["url_private_download"].split(str(fake_slack.port))[1], "authorization": f"Bearer {BOT_TOKEN}"}
    ]
    question = fake_openai.requests[0]["messages"][-1]["content"]
    assert (
        "첨부한 표 내용을 요약해줘" in question
        and "[첨부: 민원목록.csv]" in question
        and "학교 앞 불법주정차" in question
    )
    # A DM is answered at the top level of the DM, not in a thread.
    placeholder = posts_in(fake_slack, "D0KIMMINSU")[0]
    assert placeholder.args.get("thread_ts") is None
    assert updates[-1].args["channel"] == "D0KIMMINSU"


async def test_unreadable_and_oversized_attachments_are_answered_not_dropped(slack_govbot, fake_slack, fake_openai):
    image = fake_slack.add_file("F0PNG00001", "현장사진.png", b"\x89PNG....", "image/png")
    big = fake_slack.add_file("F0BIG00001", "대용량.csv", b"a,b\n" * (300 * 1024), "text/csv")
    async with slack_govbot(max_upload_mb=1) as gb:
        await send_event(gb.url, direct_message("이 파일들 봐줘", files=[image, big]))
        updates = await fake_slack.wait_for(
            lambda: [c for c in fake_slack.called("chat.update") if "현장사진.png" in block_texts(c.args.get("blocks"))]
        )
    text = block_texts(updates[-1].args["blocks"])
    assert "현장사진.png" in text and "읽을 수 없습니다" in text
    assert "대용량.csv" in text and "최대 1MB" in text
    assert fake_slack.file_requests == []  # neither was downloaded
    assert fake_openai.requests == []


async def test_slash_command_acks_at_once_and_posts_its_result_later(slack_govbot, fake_slack, fake_openai):
    fake_openai.reply_with("스쿨존 킥보드 주차 금지 보도자료 초안입니다.", delay=1.5)
    async with slack_govbot() as gb:
        switched = await send_form(gb.url, slash_command("use 보도자료", fake_slack.response_url("use")))
        assert switched.status == 200
        await fake_slack.wait_for(lambda: [r for r in fake_slack.responses if r["name"] == "use"])
        asked = await send_form(
            gb.url, slash_command("스쿨존 킥보드 주차 금지 보도자료 써줘", fake_slack.response_url("ask"))
        )
        assert asked.status == 200
        assert "작성 중" in json.loads(asked.body)["text"]  # the acknowledgement says work has started
        # The acknowledgement came back while the model was still writing: the answer comes later.
        assert not [r for r in fake_slack.responses if r["name"] == "ask"]
        answers = await fake_slack.wait_for(lambda: [r for r in fake_slack.responses if r["name"] == "ask"])
        quota = await send_form(gb.url, slash_command("quota", fake_slack.response_url("quota")))
        assert quota.status == 200
        quota_answers = await fake_slack.wait_for(lambda: [r for r in fake_slack.responses if r["name"] == "quota"])
    use_answer = next(r for r in fake_slack.responses if r["name"] == "use")
    assert "AI 대변인" in use_answer["text"] and use_answer["response_type"] == "ephemeral"
    # The DM conversation now uses the press-release assistant.
    assert "보도자료 작성 담당자" in fake_openai.requests[0]["messages"][0]["content"]
    assert "보도자료 초안입니다" in block_texts(answers[0]["blocks"])
    assert "교통행정과" in quota_answers[0]["text"]
    assert "부서 한 달 토큰 한도" in block_texts(quota_answers[0]["blocks"])  # the quota table as fields


async def test_feedback_button_is_recorded(slack_govbot, fake_slack, fake_openai):
    async with slack_govbot() as gb:
        await send_event(gb.url, mention("회의록 양식 알려줘"))
        updates = await fake_slack.wait_for(final_update_with(fake_slack, "요청하신 내용을 정리했습니다"))
        buttons = [e for b in updates[-1].args["blocks"] if b["type"] == "actions" for e in b["elements"]]
        down = buttons[1]
        sent = await send_interaction(
            gb.url, button_press(down["action_id"], down["value"], response_url=fake_slack.response_url("fb"))
        )
        assert sent.status == 200
        thanks = await fake_slack.wait_for(lambda: [r for r in fake_slack.responses if r["name"] == "fb"])
        async with gb.runtime.store.sessions() as session:
            rows = list((await session.scalars(select(Feedback))).all())
    answer_id = down["value"].split(":")[0]
    assert [(r.answer_id, r.user_id, r.platform, r.value) for r in rows] == [(answer_id, "kim.minsu", "slack", "down")]
    assert "의견 감사합니다" in thanks[0]["text"] and thanks[0]["response_type"] == "ephemeral"


async def test_app_home_is_published_with_department_quota_and_assistants(slack_govbot, fake_slack, fake_openai):
    async with slack_govbot() as gb:
        await send_event(gb.url, mention("첫 질문"))
        await fake_slack.wait_for(final_update_with(fake_slack, "요청하신 내용을 정리했습니다"))
        await send_event(
            gb.url,
            {
                "type": "app_home_opened",
                "user": "U0TRAF0002",
                "channel": "D0KIMMINSU",
                "tab": "home",
                "event_ts": "1.2",
            },
        )
        await send_event(
            gb.url,
            {
                "type": "app_home_opened",
                "user": "U0STRANGER",
                "channel": "D0STRANGER",
                "tab": "home",
                "event_ts": "1.3",
            },
        )
        published = await fake_slack.wait_for(
            lambda: len(fake_slack.called("views.publish")) == 2 and fake_slack.called("views.publish")
        )
    by_user = {c.args["user_id"]: c.args["view"] for c in published}
    home = by_user["U0TRAF0002"]
    assert home["type"] == "home"
    text = block_texts(home["blocks"])
    assert "김민수" in text and "교통행정과" in text
    assert "*18* / 3,000,000 토큰" in text  # this month's use (11 + 7 tokens from the first answer)
    assert "일반 도우미" in text and "AI 대변인" in text
    assert "주민 설명회 안내문을 공손한 문체로 다듬어 줘" in text  # a starter question
    stranger = block_texts(by_user["U0STRANGER"]["blocks"])
    assert "등록되지 않은 사용자" in stranger and "스마트정보과" in stranger


async def test_thread_reply_continues_with_the_threads_assistant_and_other_threads_are_ignored(
    slack_govbot, fake_slack, fake_openai
):
    fake_openai.reply_with(
        "## 제목\n킥보드 주차 금지\n## 부제\n12월부터\n## 리드\n리드\n## 본문\n본문\n## 인용\n인용\n## 문의처\n교통행정과"
    )
    fake_openai.reply_with("부제를 고쳤습니다.")
    async with slack_govbot() as gb:
        root = mention("@보도자료 스쿨존 킥보드 주차 금지")
        await send_event(gb.url, root)
        await fake_slack.wait_for(lambda: len(fake_openai.requests) == 1 and fake_slack.called("chat.update"))
        # A reply in the bot's thread without a mention is answered by the same assistant.
        await send_event(gb.url, channel_message("부제를 더 짧게", thread_ts=root["ts"]))
        await fake_slack.wait_for(final_update_with(fake_slack, "부제를 고쳤습니다."))
        # Threads the bot is not part of, top-level chatter, other bots and our own messages are ignored.
        await send_event(gb.url, channel_message("다른 스레드 대화", thread_ts="1699999999.000001"))
        await send_event(gb.url, channel_message("그냥 채널 대화"))
        await send_event(
            gb.url, channel_message("알림 봇입니다", thread_ts=root["ts"], bot_id="B0OTHERBOT", subtype="bot_message")
        )
        await send_event(
            gb.url, channel_message("govbot 자신의 글", thread_ts=root["ts"], user=BOT_USER_ID, bot_id=BOT_ID)
        )
        await send_event(gb.url, mention("마지막 확인"))
        await fake_slack.wait_for(lambda: len(fake_openai.requests) == 3)
    assert "보도자료 작성 담당자" in fake_openai.requests[1]["messages"][0]["content"]  # the thread's assistant
    assert [m["content"] for m in fake_openai.requests[1]["messages"]][-1] == "부제를 더 짧게"
    assert fake_openai.requests[2]["messages"][-1]["content"] == "마지막 확인"
    # Sections of the template became headers in Block Kit.
    first_final = [
        c for c in fake_slack.called("chat.update") if any(b["type"] == "header" for b in c.args.get("blocks", []))
    ]
    assert [b["text"]["text"] for b in first_final[-1].args["blocks"] if b["type"] == "header"] == [
        "제목",
        "부제",
        "리드",
        "본문",
        "인용",
        "문의처",
    ]


async def test_unknown_user_gets_a_clear_korean_message_and_display_name_is_fetched_once(
    slack_govbot, fake_slack, fake_openai
):
    async with slack_govbot() as gb:
        await send_event(gb.url, direct_message("안녕하세요", user="U0STRANGER", channel="D0STRANGER"))
        unknown = await fake_slack.wait_for(
            lambda: [c for c in fake_slack.called("chat.update") if c.args["channel"] == "D0STRANGER"]
        )
        # Mapped by e-mail: the Slack id is not in app.yaml, the address is (case-insensitive).
        await send_event(gb.url, direct_message("첫 질문", user="U0NEWPARK1", channel="D0PARK"))
        await send_event(gb.url, direct_message("둘째 질문", user="U0NEWPARK1", channel="D0PARK"))
        await fake_slack.wait_for(lambda: len(fake_openai.requests) == 2)
        # Both answers finished (their usage rows are written before the final update), not merely sent upstream.
        await fake_slack.wait_for(
            lambda: (
                len(
                    [
                        c
                        for c in fake_slack.called("chat.update")
                        if c.args["channel"] == "D0PARK" and "작성 중" not in block_texts(c.args.get("blocks"))
                    ]
                )
                >= 2
            ),
            timeout=60,
        )
    text = block_texts(unknown[-1].args["blocks"])
    assert "등록되지 않은 사용자입니다(방문자)" in text and "스마트정보과(내선 2345)" in text
    lookups = [c.args["user"] for c in fake_slack.called("users.info")]
    assert lookups.count("U0NEWPARK1") == 1
    async with gb.runtime.store.sessions() as session:
        rows = list((await session.scalars(select(UsageRecord))).all())
    assert {(r.department_id, r.user_id) for r in rows} == {("traffic", "park.jiyoung")}


async def test_rate_limit_is_retried_and_channel_errors_do_not_stop_the_app(
    slack_govbot, fake_slack, fake_openai, caplog
):
    fake_openai.reply_with("재시도 후 답변입니다.")
    fake_openai.reply_with("다음 답변입니다.")
    async with slack_govbot() as gb:
        fake_slack.fail("chat.postMessage", status=429, retry_after=1)
        first = mention("한도 초과 시험")
        await send_event(gb.url, first)
        updates = await fake_slack.wait_for(final_update_with(fake_slack, "재시도 후 답변입니다."))
        # The bot is not in this channel: reported clearly, and the next event is still answered.
        fake_slack.fail("chat.postMessage", "not_in_channel", times=2)
        await send_event(gb.url, mention("초대 안 된 채널", channel="C0NOTJOINED"))
        # The official still gets the answer, in a direct message from the app, saying why.
        dm = await fake_slack.wait_for(lambda: posts_in(fake_slack, "U0TRAF0002"))
        await send_event(gb.url, mention("다음 질문"))
        await fake_slack.wait_for(final_update_with(fake_slack, "요청하신 내용을 정리했습니다"))
    attempts = posts_in(fake_slack, "C0TRAFFIC01", first["ts"])
    assert len(attempts) == 2 and attempts[1].at - attempts[0].at >= 0.9  # waited for Retry-After, then posted
    assert updates[-1].args["ts"]
    dm_text = block_texts(dm[0].args["blocks"])
    assert "C0NOTJOINED" in dm_text and "/invite @govbot" in dm_text and "다음 답변입니다." in dm_text
    assert "not_in_channel" in caplog.text and "/invite @govbot" in caplog.text
    assert "초대 안 된 채널" not in caplog.text  # logs carry no message content


async def test_result_file_is_uploaded_with_files_upload_v2_and_channel_poster(slack_govbot, fake_slack, fake_openai):
    from bot.conversation import FilePart, Reply, Table

    async with slack_govbot() as gb:
        poster = gb.runtime.bot.services.posters["slack"]
        reply = Reply(
            "민원 분류 결과를 보냅니다.",
            parts=[
                Table(("부서", "건수"), (("교통행정과", "12"), ("도로과", "3"))),
                FilePart(
                    "분류결과.xlsx",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    b"PK\x03\x04xlsx",
                ),
            ],
        )
        ts = await poster.post("C0TRAFFIC01", reply)
        fake_slack.fail("chat.postMessage", "channel_not_found")
        missing = await poster.post("C0DOESNOTEXIST", Reply("전달"))
    assert ts is not None and missing is None
    post = posts_in(fake_slack, "C0TRAFFIC01")[0]
    assert "교통행정과" in block_texts(post.args["blocks"]) and "12" in block_texts(post.args["blocks"])
    url_call = fake_slack.called("files.getUploadURLExternal")[0]
    assert url_call.args["filename"] == "분류결과.xlsx" and int(url_call.args["length"]) == len(b"PK\x03\x04xlsx")
    assert list(fake_slack.uploads.values()) == [b"PK\x03\x04xlsx"]
    complete = fake_slack.called("files.completeUploadExternal")[0]
    assert complete.args["channel_id"] == "C0TRAFFIC01"


async def test_channel_mapping_gives_guests_the_channels_department_and_a_thread_can_switch_assistant(
    slack_govbot, fake_slack, fake_openai
):
    fake_slack.users["U0GUEST001"] = {"id": "U0GUEST001", "name": "guest", "profile": {"display_name": "파견직원"}}
    async with slack_govbot() as gb:
        root = mention("보도자료 일정 알려줘", user="U0GUEST001", channel="C0PRESS001")
        await send_event(gb.url, root)
        await fake_slack.wait_for(lambda: len(fake_openai.requests) == 1)
        # In the thread the official switches assistant with a command; the next reply follows the switch.
        await send_event(gb.url, mention("/use 일반", user="U0GUEST001", channel="C0PRESS001", thread_ts=root["ts"]))
        await fake_slack.wait_for(
            lambda: [
                c
                for c in fake_slack.called("chat.update")
                if "일반 도우미" in block_texts(c.args.get("blocks"))
                and "사용합니다" in block_texts(c.args.get("blocks"))
            ]
        )
        await send_event(
            gb.url,
            channel_message("회의 안내문 다듬어 줘", user="U0GUEST001", channel="C0PRESS001", thread_ts=root["ts"]),
        )
        await fake_slack.wait_for(lambda: len(fake_openai.requests) == 2)
        async with gb.runtime.store.sessions() as session:
            rows = list((await session.scalars(select(UsageRecord))).all())
    # The press channel belongs to 홍보담당관, whose default assistant is the AI spokesperson.
    assert "보도자료 작성 담당자" in fake_openai.requests[0]["messages"][0]["content"]
    assert "보도자료 작성 담당자" not in fake_openai.requests[1]["messages"][0]["content"]
    assert {(r.department_id, r.user_id) for r in rows} == {("pr", "slack:U0GUEST001")}


async def test_confirm_buttons_of_other_features_reach_their_action_handler(slack_govbot, fake_slack, fake_openai):
    from bot.conversation import Button, Buttons, Reply

    received = []

    async def forward(action, identity):
        received.append((action, identity.department.id))
        return Reply(f"{action.value} 민원을 도로과 채널로 전달했습니다.")

    async with slack_govbot(actions={"forward": forward}) as gb:
        poster = gb.runtime.bot.services.posters["slack"]
        await poster.post(
            "C0TRAFFIC01",
            Reply(
                "포트홀 민원 3건",
                parts=[
                    Buttons(
                        (
                            Button(
                                "도로과로 전달",
                                "forward",
                                "C-2026-17",
                                style="primary",
                                confirm="도로과 채널로 전달할까요?",
                            ),
                        )
                    )
                ],
            ),
        )
        posted = posts_in(fake_slack, "C0TRAFFIC01")[0]
        button = next(e for b in posted.args["blocks"] if b["type"] == "actions" for e in b["elements"])
        assert button["confirm"]["text"]["text"] == "도로과 채널로 전달할까요?" and button["style"] == "primary"
        sent = await send_interaction(
            gb.url,
            button_press(
                button["action_id"],
                button["value"],
                response_url=fake_slack.response_url("fwd"),
                message_ts="1700000001.000200",
            ),
        )
        assert sent.status == 200
        answer = await fake_slack.wait_for(lambda: [r for r in fake_slack.responses if r["name"] == "fwd"])
    action, department = received[0]
    assert (action.platform, action.action, action.value, action.channel_id, action.thread_id, department) == (
        "slack",
        "forward",
        "C-2026-17",
        "C0TRAFFIC01",
        "1700000001.000200",
        "traffic",
    )
    assert "C-2026-17 민원을 도로과 채널로 전달했습니다." in answer[0]["text"]


async def test_a_wrong_bot_token_is_reported_clearly_at_start(start_govbot, fake_slack, fake_openai, caplog):
    async with start_govbot(env=slack_env(SLACK_BOT_TOKEN="xoxb-revoked-token"), slack_api_url=fake_slack.api_url):
        pass
    assert "Slack 봇 토큰이 올바르지 않습니다(SLACK_BOT_TOKEN)" in caplog.text and "invalid_auth" in caplog.text
    assert "xoxb-revoked-token" not in caplog.text


async def test_without_a_signing_secret_the_endpoint_stays_closed_with_a_clear_log(
    start_govbot, fake_slack, fake_openai, caplog, monkeypatch
):
    monkeypatch.delenv("SLACK_SIGNING_SECRET", raising=False)
    async with start_govbot(env={"SLACK_BOT_TOKEN": BOT_TOKEN}, slack_api_url=fake_slack.api_url) as gb:
        sent = await send_event(gb.url, mention("서명 비밀값 없음"))
        assert "slack" not in gb.runtime.bot.services.posters
    assert sent.status in (404, 405)
    assert "SLACK_SIGNING_SECRET" in caplog.text


async def test_slash_command_questions_in_a_channel_do_not_share_memory_between_officials(
    slack_govbot, fake_slack, fake_openai
):
    fake_openai.reply_with("김민수 님 답변입니다.")
    fake_openai.reply_with("정은지 님 답변입니다.")
    async with slack_govbot() as gb:
        await send_form(
            gb.url,
            slash_command(
                "민원인 홍길동 건 회신 초안", fake_slack.response_url("a"), user="U0TRAF0002", channel="C0TRAFFIC01"
            ),
        )
        await fake_slack.wait_for(lambda: [r for r in fake_slack.responses if r["name"] == "a"])
        await send_form(
            gb.url,
            slash_command("행사 안내문 초안", fake_slack.response_url("b"), user="U0PRES0002", channel="C0TRAFFIC01"),
        )
        await fake_slack.wait_for(lambda: [r for r in fake_slack.responses if r["name"] == "b"])
    second = json.dumps(fake_openai.requests[1], ensure_ascii=False)
    assert fake_openai.requests[1]["messages"][-1]["content"] == "행사 안내문 초안"
    assert "홍길동" not in second and "김민수 님 답변입니다." not in second


async def test_long_work_shows_progress_in_the_placeholder_and_result_file_is_uploaded_in_the_thread(
    slack_govbot, fake_slack, fake_openai
):
    from bot.conversation import FilePart, Reply

    async def triage(turn, sink):
        if "민원 분류" not in turn.message.text:
            return None
        await sink.progress("민원 1,200건 분석 중…")
        await asyncio.sleep(0.4)
        await sink.delta("분류를 마쳤습니다. ")
        await asyncio.sleep(0.4)
        await sink.delta("결과 파일을 확인하세요.")
        return Reply(
            "분류를 마쳤습니다. 결과 파일을 확인하세요.",
            parts=[FilePart("민원분류.xlsx", "application/vnd.ms-excel", b"PK\x03\x04triage")],
        )

    async with slack_govbot(interceptors=[triage]) as gb:
        event = mention("민원 분류 해줘")
        await send_event(gb.url, event)
        await fake_slack.wait_for(lambda: fake_slack.called("files.completeUploadExternal"))
    updates = [block_texts(c.args["blocks"]) for c in fake_slack.called("chat.update")]
    assert any("민원 1,200건 분석 중…" in u for u in updates)  # the progress note replaced "작성 중…"
    assert any("분류를 마쳤습니다." in u and "분석 중" in u for u in updates)  # text streamed with the note below it
    assert "결과 파일을 확인하세요." in updates[-1] and "분석 중" not in updates[-1]
    complete = fake_slack.called("files.completeUploadExternal")[0].args
    assert complete["channel_id"] == "C0TRAFFIC01" and complete["thread_ts"] == event["ts"]
    assert list(fake_slack.uploads.values()) == [b"PK\x03\x04triage"]


async def test_result_file_of_a_slash_command_in_a_channel_goes_to_the_officials_direct_chat(
    slack_govbot, fake_slack, fake_openai
):
    from bot.conversation import FilePart, Reply

    async def export(turn, sink):
        if turn.message.text != "내보내기":
            return None
        return Reply(
            "개인 작업 파일입니다.", parts=[FilePart("내작업.xlsx", "application/vnd.ms-excel", b"PK\x03\x04mine")]
        )

    async with slack_govbot(interceptors=[export]) as gb:
        await send_form(gb.url, slash_command("내보내기", fake_slack.response_url("x"), channel="C0TRAFFIC01"))
        await fake_slack.wait_for(lambda: fake_slack.called("files.completeUploadExternal"))
    assert fake_slack.called("conversations.open")[0].args["users"] == "U0TRAF0002"
    assert (
        fake_slack.called("files.completeUploadExternal")[0].args["channel_id"] == "D0TRAF0002"
    )  # not the shared channel
    assert [r["text"] for r in fake_slack.responses if r["name"] == "x"] == ["개인 작업 파일입니다."]


async def test_complaint_list_in_a_dm_is_triaged_and_the_xlsx_uploaded(slack_govbot, fake_slack, fake_openai):
    """The seeds' request, from Slack: only kickboard complaints, ranked, with the result file; no phone number reaches the model."""
    csv_text = (
        "접수번호,접수일,내용,민원인,연락처\n"
        "1,2026-11-20,스쿨존 앞 전동킥보드가 인도에 쓰러져 있어 아이가 넘어질 뻔했습니다,김철수,010-2345-6789\n"
        "2,2026-11-21,공유 킥보드 방치로 보행이 위험합니다,박영희,010-3456-7890\n"
        "3,2026-11-21,가로등이 꺼져 있어요,이민호,010-4567-8901\n"
    )
    entry = fake_slack.add_file("F0CSV00002", "민원목록.csv", csv_text.encode("utf-8"))
    async with slack_govbot() as gb:
        await send_event(gb.url, direct_message("전동킥보드 관련 민원을 우선순위별로 정리해줘", files=[entry]))
        await fake_slack.wait_for(
            lambda: fake_slack.called("files.completeUploadExternal"), timeout=60
        )  # triage of a list: slow on a loaded CI machine
        updates = await fake_slack.wait_for(final_update_with(fake_slack, "긴급"), timeout=60)
    text = block_texts(updates[-1].args["blocks"])
    assert "킥보드" in text and "가로등" not in text and "010-2345-6789" not in text
    assert any(data.startswith(b"PK") for data in fake_slack.uploads.values())  # the XLSX
    assert "010-2345-6789" not in fake_openai.everything_sent() and "김철수" not in fake_openai.everything_sent()

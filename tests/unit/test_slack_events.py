"""Slack payloads → Message/Action and the routing rules, without Slack."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.slack.events import command_text, reply_place, route_message, slack_to_plain, to_action, to_message
from adapters.slack.render import action_name
from adapters.slack.users import SlackUser, UserDirectory

BOT = "UGOVBOT01"


def test_slack_markup_reads_as_plain_text():
    text = f"<@{BOT}> <@U0TRAF0002|김민수> 님, <#C0TRAFFIC01|교통> 채널 <https://hanbit.go.kr|누리집> 참고 &lt;중요&gt; &amp; <!here>"
    assert slack_to_plain(text, BOT) == "@김민수 님, #교통 채널 누리집 (https://hanbit.go.kr) 참고 <중요> & @here"
    assert slack_to_plain("<mailto:kim@hanbit.go.kr|kim@hanbit.go.kr> <http://a.kr>") == "kim@hanbit.go.kr http://a.kr"


@given(st.text(max_size=200))
def test_plain_text_without_markup_survives(text):
    if "<" in text or "&" in text:
        return
    assert slack_to_plain(text) == text.strip()


@pytest.mark.parametrize(
    ("event", "route"),
    [
        ({"channel_type": "im", "user": "U1", "text": "질문", "ts": "1"}, "dm"),
        ({"channel_type": "im", "user": "U1", "subtype": "file_share", "ts": "1"}, "dm"),
        ({"channel_type": "im", "user": "U1", "subtype": "message_changed", "ts": "1"}, "ignore"),
        ({"channel_type": "im", "user": BOT, "bot_id": "BGOV", "ts": "1"}, "ignore"),
        ({"channel_type": "im", "bot_id": "BOTHER", "subtype": "bot_message", "ts": "1"}, "ignore"),
        ({"channel_type": "channel", "user": "U1", "text": "잡담", "ts": "1"}, "ignore"),
        ({"channel_type": "channel", "user": "U1", "text": "이어서", "ts": "2", "thread_ts": "1"}, "thread"),
        (
            {"channel_type": "channel", "user": "U1", "text": f"<@{BOT}> 이어서", "ts": "2", "thread_ts": "1"},
            "ignore",
        ),  # comes as app_mention
        ({"channel_type": "channel", "user": "U1", "text": "루트", "ts": "1", "thread_ts": "1"}, "ignore"),
    ],
)
def test_message_routing(event, route):
    assert route_message(event, bot_user_id=BOT, bot_id="BGOV") == route


def test_other_bots_are_answered_only_when_configured_and_never_ourselves():
    other = {"channel_type": "im", "bot_id": "BOTHER", "user": "U9", "ts": "1"}
    assert route_message(other, bot_user_id=BOT, answer_bots=True) == "dm"
    ours = {"channel_type": "im", "bot_id": "BGOV", "user": BOT, "ts": "1"}
    assert route_message(ours, bot_user_id=BOT, bot_id="BGOV", answer_bots=True) == "ignore"


def test_reply_places_and_conversation_keys():
    mention = {"channel": "C1", "ts": "10.1", "user": "U1", "text": f"<@{BOT}> 안녕"}
    where = reply_place(mention, "mention")
    assert (where.channel, where.thread_ts) == ("C1", "10.1")
    assert to_message(mention, where, bot_user_id=BOT).conversation_key == "slack:C1:10.1"
    in_thread = {**mention, "thread_ts": "9.0"}
    assert reply_place(in_thread, "mention").thread_ts == "9.0"
    dm = {"channel": "D1", "ts": "11.0", "user": "U1", "channel_type": "im", "text": "질문"}
    message = to_message(dm, reply_place(dm, "dm"), bot_user_id=BOT)
    assert message.thread_id == "" and message.is_direct and message.conversation_key == "slack:D1:"


def test_slash_command_text_maps_to_dispatch_commands():
    known = {"use", "quota", "help", "reset", "assistants"}.__contains__
    assert command_text("use 보도자료", known) == "/use 보도자료"
    assert command_text("quota", known) == "/quota"
    assert command_text("", known) == "/help"
    assert command_text("스쿨존 보도자료 써줘", known) == "스쿨존 보도자료 써줘"


def test_slash_command_conversations_are_private_in_channels_and_shared_with_the_dm():
    from adapters.slack.events import command_message

    in_dm = command_message({"channel_id": "D0KIM", "user_id": "U1", "channel_name": "directmessage"}, "/use 보도자료")
    assert in_dm.conversation_key == "slack:D0KIM:" and in_dm.is_direct  # the same conversation as the DM itself
    first = command_message({"channel_id": "C0TRAFFIC01", "user_id": "U1", "channel_name": "traffic"}, "질문")
    second = command_message({"channel_id": "C0TRAFFIC01", "user_id": "U2", "channel_name": "traffic"}, "질문")
    assert first.conversation_key != second.conversation_key


def test_button_press_becomes_action_in_the_messages_thread():
    body = {
        "user": {"id": "U1"},
        "channel": {"id": "C1"},
        "message": {"ts": "5.0", "thread_ts": "4.0"},
        "container": {},
    }
    action = to_action(body, {"action_id": "govbot:feedback:1", "value": "abc:up"}, action_name("govbot:feedback:1"))
    assert (action.action, action.value, action.channel_id, action.thread_id, action.message_id) == (
        "feedback",
        "abc:up",
        "C1",
        "4.0",
        "5.0",
    )
    assert action_name("govbot:complaint_forward:3") == "complaint_forward"


class _Client:
    def __init__(self):
        self.calls = 0

    async def users_info(self, user):
        self.calls += 1
        await asyncio.sleep(0.01)
        return {"user": {"name": "kim", "profile": {"display_name": "김민수", "email": "kim@hanbit.go.kr"}}}


async def test_user_directory_fetches_once_and_expires():
    now = [0.0]
    client = _Client()
    directory = UserDirectory(client, ttl_seconds=100, clock=lambda: now[0])  # type: ignore[arg-type]
    assert await directory.get("U1") == SlackUser("김민수", "kim@hanbit.go.kr")
    await directory.get("U1")
    assert client.calls == 1
    now[0] = 101
    await directory.get("U1")
    assert client.calls == 2
    # Several first messages of a new user at once still cause one lookup.
    results = await asyncio.gather(*[directory.get("U2") for _ in range(5)])
    assert client.calls == 3 and len(set(results)) == 1


def test_manifest_subscribes_to_every_event_and_scope_the_adapter_uses():
    from pathlib import Path

    import yaml

    import adapters.slack

    manifest = yaml.safe_load((Path(adapters.slack.__file__).parent / "manifest.yaml").read_text(encoding="utf-8"))
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert {"app_mention", "app_home_opened", "message.im", "message.channels", "message.groups"} <= events
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {
        "app_mentions:read",
        "chat:write",
        "commands",
        "files:read",
        "files:write",
        "users:read",
        "users:read.email",
        "im:history",
        "im:write",
        "channels:history",
    } <= scopes
    assert manifest["features"]["slash_commands"][0]["command"] == "/govbot"
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["settings"]["interactivity"]["is_enabled"] is True

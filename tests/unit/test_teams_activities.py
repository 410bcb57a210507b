"""Teams activity JSON → Message / Action (pure), retry timing, and credentials checks."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.teams.activities import (
    FILE_DOWNLOAD_INFO,
    clean_text,
    executed_action,
    file_refs,
    is_addressed_to_bot,
    split_conversation_id,
    submitted_action,
    to_action,
    to_message,
)
from adapters.teams.credentials import BotFrameworkConfig
from adapters.teams.retry import RetryPolicy, with_retry

BOT = {"id": "28:bot", "name": "govbot"}
MENTION = {"type": "mention", "text": "<at>govbot</at>", "mentioned": BOT}


def channel_activity(text: str, entities: list, conversation_id: str = "19:c@thread.tacv2;messageid=77") -> dict:
    return {
        "type": "message",
        "id": "78",
        "text": text,
        "entities": entities,
        "from": {"id": "29:u", "name": "박지영", "aadObjectId": "aad-1"},
        "recipient": BOT,
        "conversation": {"id": conversation_id, "conversationType": "channel", "isGroup": True},
        "channelData": {"channel": {"id": "19:c@thread.tacv2"}},
        "locale": "en-US",
    }


def test_channel_message_keeps_its_reply_chain_and_loses_the_bot_mention():
    message = to_message(
        channel_activity("<at>govbot</at> 보도자료 <b>초안</b> 써 줘&nbsp;", [MENTION]), email="park@hanbit.go.kr"
    )
    assert message.text == "보도자료 초안 써 줘"
    assert (message.platform, message.user_id, message.user_name, message.user_email) == (
        "teams",
        "aad-1",
        "박지영",
        "park@hanbit.go.kr",
    )
    assert (message.channel_id, message.thread_id, message.is_direct, message.locale) == (
        "19:c@thread.tacv2",
        "77",
        False,
        "en",
    )


def test_other_mentions_stay_as_names():
    other = {"type": "mention", "text": "<at>김민수</at>", "mentioned": {"id": "29:kim", "name": "김민수"}}
    text = "<at>govbot</at> <at>김민수</at> 주무관에게 전달할 내용 정리해 줘"
    assert clean_text(text, [MENTION, other], "28:bot") == "김민수 주무관에게 전달할 내용 정리해 줘"


def test_only_personal_chats_or_mentions_reach_the_bot():
    assert is_addressed_to_bot(channel_activity("<at>govbot</at> 질문", [MENTION]))
    assert not is_addressed_to_bot(channel_activity("그냥 대화", []))
    personal = {"conversation": {"id": "a:1", "conversationType": "personal"}, "recipient": BOT}
    assert is_addressed_to_bot(personal)


def test_conversation_ids():
    assert split_conversation_id("19:abc@thread.tacv2;messageid=1699999") == ("19:abc@thread.tacv2", "1699999")
    assert split_conversation_id("a:personal-chat") == ("a:personal-chat", "")
    new_post = channel_activity("x", [], conversation_id="19:c@thread.tacv2")
    assert to_message(new_post).thread_id == "78"  # a new post starts its own chain


def test_files_but_not_the_html_copy_of_the_message():
    activity = {
        "attachments": [
            {"contentType": "text/html", "content": "<p>안녕</p>"},
            {
                "contentType": FILE_DOWNLOAD_INFO,
                "name": "민원.xlsx",
                "content": {"downloadUrl": "https://x/dl", "fileType": "xlsx"},
            },
            {"contentType": "application/vnd.microsoft.card.adaptive", "content": {}},
            {"contentType": "image/png", "name": "사진.png", "contentUrl": "https://x/img"},
        ]
    }
    refs = file_refs(activity)
    assert [(r.name, r.url, r.content_type) for r in refs] == [
        ("민원.xlsx", "https://x/dl", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("사진.png", "https://x/img", "image/png"),
    ]


def test_submit_and_execute_actions():
    submit = {
        "type": "message",
        "value": {"govbot_action": "feedback", "value": "a1:up"},
        "from": {"id": "29:u", "aadObjectId": "aad-1"},
        "conversation": {"id": "a:1"},
    }
    assert submitted_action(submit) == ("feedback", "a1:up")
    assert submitted_action({"type": "message", "value": {"msteams": {}}}) is None
    invoke = {
        "type": "invoke",
        "name": "adaptiveCard/action",
        "value": {"action": {"type": "Action.Execute", "verb": "forward", "data": {"value": "c-1"}}},
    }
    assert executed_action(invoke) == ("forward", "c-1")
    assert executed_action({**invoke, "name": "task/fetch"}) is None
    action = to_action(submit, "feedback", "a1:up")
    assert (action.platform, action.user_id, action.action, action.value) == ("teams", "aad-1", "feedback", "a1:up")


names = (
    st.text(
        alphabet=st.characters(blacklist_characters="<>&", blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12
    )
    .map(str.strip)
    .filter(bool)
)


@given(question=st.text(max_size=200), bot_name=names)
def test_clean_text_never_leaves_mention_markup(question, bot_name):
    entity = {"type": "mention", "text": f"<at>{bot_name}</at>", "mentioned": BOT}
    cleaned = clean_text(f"<at>{bot_name}</at> {question}", [entity], "28:bot")
    assert "<at>" not in cleaned and "</at>" not in cleaned
    assert cleaned == cleaned.strip()


@given(
    question=st.text(
        alphabet=st.characters(blacklist_characters="<>&", blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
        min_size=1,
        max_size=80,
    )
)
def test_clean_text_keeps_plain_questions_as_they_are(question):
    assert clean_text(f"<at>govbot</at> {question}", [MENTION], "28:bot") == question


# ---- retry -------------------------------------------------------------------------------------


class Failure(Exception):
    def __init__(self, status: int, retry_after: str | None = None):
        super().__init__(status)
        self.response = type(
            "R", (), {"status_code": status, "headers": {"Retry-After": retry_after} if retry_after else {}}
        )()


def run_with(
    failures: list[Failure], policy: RetryPolicy = RetryPolicy()
) -> tuple[list[float], int, BaseException | None]:
    waits: list[float] = []
    calls = {"n": 0}

    async def call() -> str:
        calls["n"] += 1
        if failures:
            raise failures.pop(0)
        return "ok"

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    try:
        asyncio.run(with_retry(call, policy, what="test", sleep=sleep, rand=lambda: 0.5))
        return waits, calls["n"], None
    except Exception as error:  # noqa: BLE001
        return waits, calls["n"], error


def test_throttling_honours_retry_after_and_server_errors_back_off():
    waits, calls, error = run_with([Failure(429, "2"), Failure(503), Failure(502)])
    assert error is None and calls == 4
    assert waits == [2.0, 0.75, 1.5]  # Retry-After, then 0.5·2^(n-1)·(0.5+jitter/2)


def test_client_errors_are_not_retried_and_retries_end():
    waits, calls, error = run_with([Failure(403)])
    assert isinstance(error, Failure) and calls == 1 and waits == []
    waits, calls, error = run_with([Failure(500)] * 10)
    assert isinstance(error, Failure) and calls == 4 and len(waits) == 3
    assert RetryPolicy().delay(1, 600, 0.0) == 8.0  # a huge Retry-After is capped


# ---- credentials -------------------------------------------------------------------------------


def test_credentials_from_microsofts_environment_names():
    config = BotFrameworkConfig.from_env(
        {
            "MicrosoftAppId": "app",
            "MicrosoftAppPassword": "pw",
            "MicrosoftAppType": "SingleTenant",
            "MicrosoftAppTenantId": "tenant",
        }
    )
    assert (config.APP_ID, config.APP_PASSWORD, config.APP_TYPE, config.APP_TENANTID) == (
        "app",
        "pw",
        "SingleTenant",
        "tenant",
    )
    assert not config.emulator_mode and config.problems() == []
    assert BotFrameworkConfig.from_env({}).emulator_mode


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"MicrosoftAppId": "app"}, "MicrosoftAppPassword"),
        (
            {"MicrosoftAppId": "app", "MicrosoftAppPassword": "pw", "MicrosoftAppType": "SingleTenant"},
            "MicrosoftAppTenantId",
        ),
        ({"MicrosoftAppId": "app", "MicrosoftAppType": "Other"}, "MicrosoftAppType"),
    ],
)
def test_missing_credentials_are_named(env, expected):
    problems = BotFrameworkConfig.from_env(env).problems()
    assert any(expected in p for p in problems)


def test_a_lambda_returning_a_coroutine_is_awaited_and_retried():
    # The connector passes `lambda: CloudAdapter.send_activities(...)`: not a coroutine function itself.
    failures = [Failure(503)]
    waits: list[float] = []

    async def send() -> str:
        if failures:
            raise failures.pop(0)
        return "보냄"

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    result = asyncio.run(with_retry(lambda: send(), RetryPolicy(), what="test", sleep=sleep, rand=lambda: 0.5))
    assert result == "보냄" and waits == [0.375]

"""Attacks on the running server from the outside attack test: personal information spelled so the scanner
missed it (full-width digits, odd separators, invisible characters, line breaks inside a number, a number
split over two messages), and two callers of one API key reading each other's values through the placeholders.
Each goes through the web chat and /v1/chat/completions with the shipped app.yaml (RRN and card numbers on
`block`), and checks what the fake upstream received."""

from __future__ import annotations

import json

import openai
import pytest
from openai import AsyncOpenAI

from tests.integration.webchat import send

# Resident and card numbers, spelled the ways that reached the upstream before (the app.yaml blocks both).
BLOCKED_SPELLINGS = [
    "９００１０１－１２３４５６８",
    "９００１０1-１２3４５６８",
    "900101.1234568",
    "900101-\n1234568",
    "900101\xa01234568",
    "9001\x0001-1234568",
    "900101-12\u200b34568",
    "4111.1111.1111.1111",
    "4111\n1111\n1111\n1111",
    "４１１１－１１１１－１１１１－１１１１",
]
# The digits that must never reach the upstream, in ASCII (the scanner's view) and as they were typed.
SECRET_DIGITS = ["1234568", "１２３４５６８", "4568", "1111", "１１１１"]


async def api_client(gb) -> AsyncOpenAI:
    key, _ = await gb.runtime.store.keys.create("traffic", "민원 도구", "park.jiyoung")
    return gb.track(AsyncOpenAI(base_url=gb.url + "/v1", api_key=key, max_retries=0))


def leaked(sent: str, fragments: list[str]) -> list[str]:
    plain = sent.replace("\x00", "").replace("\u200b", "").replace("\n", "")
    return [f for f in fragments if f in sent or f in plain]


async def test_blocked_numbers_in_any_spelling_are_refused_by_the_web_chat_and_the_api(start_govbot, fake_openai):
    # Attack: a resident or card number in full-width digits, with dots, line breaks, a no-break space,
    # a NUL or a zero-width space inside, sent to both doors; before the fix each one reached the model.
    async with start_govbot() as gb:
        client = await api_client(gb)
        chat_results, api_errors = [], []
        for n, value in enumerate(BLOCKED_SPELLINGS):
            chat_results.append(await send(gb.url, f"이 번호 {value} 로 조회해 줘", thread=f"spelling-{n}"))
            for stream in (False, True):
                with pytest.raises(openai.BadRequestError) as refused:
                    await client.chat.completions.create(
                        model="default", messages=[{"role": "user", "content": f"번호 {value} 확인"}], stream=stream
                    )
                api_errors.append(refused.value)
    for value, result in zip(BLOCKED_SPELLINGS, chat_results):
        assert result.reply["kind"] == "refusal", value
        assert "개인정보 보호 정책" in result.text, value
    for error in api_errors:
        assert error.status_code == 400 and error.body["code"] == "policy_blocked"
    assert fake_openai.requests == []


async def test_masked_values_in_any_spelling_never_reach_the_upstream(start_govbot, fake_openai):
    # Attack: phone numbers and e-mail addresses (masked, not blocked) in the spellings the scanner missed.
    spellings = {
        "010-2222-\n3333": ["2222", "3333"],
        "０１０－２２２２－３３３３": ["２２２２", "３３３３", "2222"],
        "010\xa02222\xa03333": ["2222", "3333"],
        "hong.gd＠example.com": ["hong.gd", "example.com"],
    }
    async with start_govbot() as gb:
        client = await api_client(gb)
        for n, (value, _) in enumerate(spellings.items()):
            fake_openai.reply_with("확인했습니다.")
            chat = await send(gb.url, f"민원인 연락처 {value} 로 회신할 문구", thread=f"masked-{n}")
            assert chat.reply["kind"] == "answer"
            fake_openai.reply_with("확인했습니다.")
            await client.chat.completions.create(
                model="default", messages=[{"role": "user", "content": f"연락처 {value} 로 회신"}]
            )
    sent = fake_openai.everything_sent()
    for value, fragments in spellings.items():
        assert leaked(sent, fragments) == [], value
    assert sent.count("[전화번호#1]") == 6 and sent.count("[이메일#1]") == 2


@pytest.mark.parametrize("door", ["web chat", "api", "api streamed"])
async def test_full_width_numbers_the_model_writes_are_masked_in_the_answer(start_govbot, fake_openai, door):
    # Attack: the model (or a prompt injection steering it) writes personal numbers in full-width digits,
    # which the output masking let through, streamed or not.
    fake_openai.reply_with(
        "담당 주무관 휴대전화는 ０１０－５５５５－７７７７ 이고, 주민번호는 ９００１０１－１２３４５６８ 입니다."
    )
    async with start_govbot() as gb:
        if door == "web chat":
            text = (await send(gb.url, "담당자 연락처 알려줘")).text
        else:
            client = await api_client(gb)
            messages = [{"role": "user", "content": "담당자 연락처 알려줘"}]
            if door == "api":
                text = (
                    (await client.chat.completions.create(model="default", messages=messages))
                    .choices[0]
                    .message.content
                )
            else:
                stream = await client.chat.completions.create(model="default", messages=messages, stream=True)
                text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
    assert "５５５５" not in text and "７７７７" not in text and "１２３４５６８" not in text
    assert "[전화번호]" in text and "[주민등록번호]" in text


async def test_a_number_split_across_two_messages_of_a_conversation_is_refused(start_govbot, fake_openai):
    # Attack: the first half of a resident number in one message, the second half in the next; the model
    # receives both in the conversation memory and reads the whole number. Web chat (server-side memory)
    # and the API (the client sends the history).
    fake_openai.reply_with("네, 뒷자리도 알려 주세요.")
    async with start_govbot() as gb:
        first = await send(gb.url, "민원인 주민번호 앞자리는 900101-", thread="split")
        second = await send(gb.url, "1234568 입니다. 조회해 주세요", thread="split")
        client = await api_client(gb)
        with pytest.raises(openai.BadRequestError) as refused:
            await client.chat.completions.create(
                model="default",
                messages=[
                    {"role": "user", "content": "주민번호 앞자리는 900101-"},
                    {"role": "assistant", "content": "네, 뒷자리도 알려 주세요."},
                    {"role": "user", "content": "1234568 입니다"},
                ],
            )
    assert first.reply["kind"] == "answer"
    assert second.reply["kind"] == "refusal" and "주민등록번호" in second.text
    assert refused.value.status_code == 400 and refused.value.body["code"] == "policy_blocked"
    assert len(fake_openai.requests) == 1 and "1234568" not in fake_openai.everything_sent()


async def test_callers_sharing_an_api_key_never_get_each_others_values(start_govbot, fake_openai):
    # Attack: two tools (or two people) use one department key. The first sends a citizen's phone number;
    # the second asks the model to repeat "[전화번호#1]" and, with a vault shared by the key, got the number.
    phone = "010-9876-5432"
    fake_openai.reply_with("[전화번호#1]로 연락하겠습니다.")
    for _ in range(4):
        fake_openai.reply_with("[전화번호#1] 입니다.")
    async with start_govbot() as gb:
        key, _ = await gb.runtime.store.keys.create("traffic", "공용 도구", "park.jiyoung")
        first = gb.track(AsyncOpenAI(base_url=gb.url + "/v1", api_key=key, max_retries=0))
        second = gb.track(AsyncOpenAI(base_url=gb.url + "/v1", api_key=key, max_retries=0))
        mine = await first.chat.completions.create(
            model="default", messages=[{"role": "user", "content": f"민원인 연락처 {phone} 로 회신"}]
        )
        texts, raw = [], []
        for user in (None, "thread-1", ""):  # no `user`, a guessed one, an empty one
            extra = {"user": user} if user is not None else {}
            answer = await second.chat.completions.create(
                model="default", messages=[{"role": "user", "content": "[전화번호#1] 을 그대로 적어 줘"}], **extra
            )
            texts.append(answer.choices[0].message.content)
            raw.append(answer.model_dump_json())
        stream = await second.chat.completions.create(
            model="default", messages=[{"role": "user", "content": "[전화번호#1] 을 그대로 적어 줘"}], stream=True
        )
        chunks = [c.model_dump() async for c in stream]
        texts.append("".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"]))
        raw.append(json.dumps(chunks, ensure_ascii=False))
    assert mine.choices[0].message.content == f"{phone}로 연락하겠습니다."  # the caller's own value comes back
    assert texts == ["[전화번호#1] 입니다."] * 4  # the other caller gets the placeholder, never the value
    assert not [r for r in raw if phone in r or "9876" in r]

"""The OpenAI-compatible endpoint, used with the official openai client as another office tool would."""

from __future__ import annotations

import json

import openai
import pytest
from openai import AsyncOpenAI

from tests.conftest import config_for_upstreams
from tests.integration.test_quota import config_with_quota


async def client_for(gb, department: str = "traffic") -> AsyncOpenAI:
    key, _ = await gb.runtime.store.keys.create(department, "민원 분석 도구", "park.jiyoung")
    return gb.track(AsyncOpenAI(base_url=gb.url + "/v1", api_key=key, max_retries=0))


async def test_chat_completion_goes_through_the_gateway_and_is_billed_to_the_key_department(start_govbot, fake_openai):
    fake_openai.reply_with("주정차 단속은 평일 09~20시입니다.")
    async with start_govbot() as gb:
        client = await client_for(gb)
        response = await client.chat.completions.create(
            model="default", messages=[{"role": "user", "content": "단속 시간?"}]
        )
        models = await client.models.list()
        month = {s.name: s.used for s in await gb.runtime.bundle.quota.status("traffic")}
    assert response.choices[0].message.content == "주정차 단속은 평일 09~20시입니다."
    assert response.usage.total_tokens == 18
    assert {m.id for m in models.data} == {"default", "long"}
    assert fake_openai.requests[0]["messages"] == [{"role": "user", "content": "단속 시간?"}]
    assert month["tokens_per_month"] == 18


async def test_streaming_returns_chunks_and_usage(start_govbot, fake_openai):
    fake_openai.reply_with("스트리밍으로 전달되는 답변입니다.")
    async with start_govbot() as gb:
        client = await client_for(gb)
        stream = await client.chat.completions.create(
            model="default",
            messages=[{"role": "user", "content": "질문"}],
            stream=True,
            stream_options={"include_usage": True},
        )
        pieces, usage = [], None
        async for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                pieces.append(chunk.choices[0].delta.content)
            usage = chunk.usage or usage
        status = {s.name: s.used for s in await gb.runtime.bundle.quota.status("traffic")}
    assert "".join(pieces) == "스트리밍으로 전달되는 답변입니다."
    assert usage.total_tokens == 18 and status["tokens_per_month"] == 18


async def test_missing_wrong_and_revoked_keys_get_401(start_govbot, fake_openai):
    async with start_govbot() as gb:
        no_key = gb.track(AsyncOpenAI(base_url=gb.url + "/v1", api_key="gbk_not-a-real-key", max_retries=0))
        with pytest.raises(openai.AuthenticationError) as wrong:
            await no_key.chat.completions.create(model="default", messages=[{"role": "user", "content": "질문"}])
        client = await client_for(gb)
        prefix = (await gb.runtime.store.keys.list("traffic"))[0].prefix
        assert await gb.runtime.store.keys.revoke(prefix, by="park.jiyoung") == 1
        with pytest.raises(openai.AuthenticationError):
            await client.models.list()
    assert "API 키" in wrong.value.message
    assert fake_openai.requests == []


async def test_department_over_quota_gets_429_with_retry_after_and_the_korean_message(start_govbot, fake_openai):
    config = config_with_quota(config_for_upstreams(fake_openai.base_url), requests_per_day=1)
    async with start_govbot(config=config) as gb:
        client = await client_for(gb)
        await client.chat.completions.create(model="default", messages=[{"role": "user", "content": "첫 질문"}])
        with pytest.raises(openai.RateLimitError) as refused:
            await client.chat.completions.create(model="default", messages=[{"role": "user", "content": "두 번째"}])
    error = refused.value
    assert error.status_code == 429
    assert int(error.response.headers["Retry-After"]) > 0
    assert "하루 요청 수 한도" in error.message and "daily request limit" in error.message
    assert error.body["code"] == "quota_exceeded"
    assert len(fake_openai.requests) == 1


async def test_unknown_model_alias_and_bad_body_get_400(start_govbot, fake_openai):
    async with start_govbot() as gb:
        client = await client_for(gb)
        with pytest.raises(openai.BadRequestError) as unknown:
            await client.chat.completions.create(model="gpt-9", messages=[{"role": "user", "content": "질문"}])
        with pytest.raises(openai.BadRequestError):
            await client.chat.completions.create(model="default", messages=[])
    assert "없는 모델 별칭" in unknown.value.message
    assert fake_openai.requests == []


async def test_stream_that_breaks_midway_ends_with_an_error_event_and_costs_nothing(start_govbot, fake_openai):
    fake_openai.reply_with("이 답변은 중간에 끊어집니다. " * 5, break_stream_after=2)
    async with start_govbot() as gb:
        client = await client_for(gb)
        stream = await client.chat.completions.create(
            model="default", messages=[{"role": "user", "content": "질문"}], stream=True
        )
        with pytest.raises(openai.APIError) as broken:
            async for _ in stream:
                pass
        status = {s.name: s.used for s in await gb.runtime.bundle.quota.status("traffic")}
    assert "끊어졌습니다" in str(broken.value)
    assert status["requests_per_day"] == 0 and status["tokens_per_month"] == 0


async def test_streamed_reply_passes_the_same_output_policies_and_is_settled(start_govbot, fake_openai):
    # 8-character chunks: the placeholder, the invented number and the prohibited word all arrive split.
    fake_openai.reply_with(
        "민원인께 [전화번호#1]로 연락했고, 상대가 '씨발'이라고 했습니다. 담당자 번호는 010-5555-7777 입니다.",
        usage=(40, 30),
    )
    async with start_govbot() as gb:
        client = await client_for(gb)
        stream = await client.chat.completions.create(
            model="default",
            messages=[{"role": "user", "content": "민원인 연락처 010-9876-5432, 통화 결과를 정리해 줘"}],
            stream=True,
            stream_options={"include_usage": True},
            user="t1",
        )
        pieces, usage = [], None
        async for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                pieces.append(chunk.choices[0].delta.content)
            usage = chunk.usage or usage
        status = {s.name: s.used for s in await gb.runtime.bundle.quota.status("traffic")}
        [record] = [row async for row in gb.runtime.store.audit.rows() if row["purpose"] != "admin"]  # not the key's
        used = await gb.runtime.store.usage.totals("traffic", record["created_at"].replace(year=2000))
    text = "".join(pieces)
    assert text == "민원인께 010-9876-5432로 연락했고, 상대가 '○○'이라고 했습니다. 담당자 번호는 [전화번호] 입니다."
    assert "010-9876-5432" not in fake_openai.everything_sent()
    assert usage.total_tokens == 70 and status["tokens_per_month"] == 70 and status["requests_per_day"] == 1
    assert (used.tokens, used.requests) == (70, 1)
    assert record["decision"] == "masked" and record["prompt_tokens"] == 40 and record["completion_tokens"] == 30
    assert json.loads(record["findings"]) == {
        "phone": 1,
        "output_phone": 1,
        "output_prohibited_word": 1,
        "output_prohibited_word_profanity": 1,
    }

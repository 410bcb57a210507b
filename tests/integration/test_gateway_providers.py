"""The gateway's provider path with the real openai client against fake upstreams on 127.0.0.1."""

from __future__ import annotations

import yaml
from sqlalchemy import func, select

from assistants.skills.registry import parse_office_config as parse_config
from bot.gateway.errors import AllProvidersFailed
from bot.gateway.types import ChatMessage, GatewayRequest
from bot.store.models import UsageRecord
from tests.conftest import config_for_upstreams, shipped_config_data
from tests.fakes.openai_server import FakeOpenAI
from tests.integration.webchat import send


def request(text: str = "질문입니다") -> GatewayRequest:
    return GatewayRequest(department_id="traffic", user_id="kim.minsu", messages=[ChatMessage("user", text)])


async def count_usage(runtime) -> int:
    async with runtime.store.sessions() as session:
        return await session.scalar(select(func.count()).select_from(UsageRecord))


async def test_transient_errors_are_retried_then_fail_over_to_the_next_provider(start_govbot, fake_openai):
    backup = await FakeOpenAI(default_text="예비 서버의 답변입니다.").start()
    try:
        fake_openai.fail_with(503, times=2)  # max_retries=1 → two attempts on the first provider
        async with start_govbot(config=config_for_upstreams(fake_openai.base_url, backup.base_url)) as gb:
            completion = await gb.runtime.gateway.complete(request())
            assert await count_usage(gb.runtime) == 1
    finally:
        await backup.stop()
    assert len(fake_openai.requests) == 2
    assert len(backup.requests) == 1
    assert completion.text == "예비 서버의 답변입니다."
    assert completion.provider == "fake1" and completion.model == "fake-model-1"


async def test_non_retryable_error_fails_over_at_once(start_govbot, fake_openai):
    backup = await FakeOpenAI().start()
    try:
        fake_openai.fail_with(401)
        async with start_govbot(config=config_for_upstreams(fake_openai.base_url, backup.base_url)) as gb:
            await gb.runtime.gateway.complete(request())
    finally:
        await backup.stop()
    assert len(fake_openai.requests) == 1 and len(backup.requests) == 1


async def test_slow_provider_times_out_and_the_next_one_answers(start_govbot, fake_openai):
    backup = await FakeOpenAI(default_text="빠른 답변").start()
    try:
        data = shipped_config_data()
        config = config_for_upstreams(fake_openai.base_url, backup.base_url, data=data)
        raw = config.model_dump(mode="json")
        raw["providers"][0]["timeout_seconds"] = 0.3
        raw["providers"][0]["max_retries"] = 0
        fake_openai.reply_with("늦은 답변", delay=1.5)
        async with start_govbot(config=parse_config(yaml.safe_dump(raw, allow_unicode=True))) as gb:
            completion = await gb.runtime.gateway.complete(request())
    finally:
        await backup.stop()
    assert completion.text == "빠른 답변"


async def test_when_every_provider_fails_the_user_gets_a_clear_message_and_nothing_is_billed(start_govbot, fake_openai):
    fake_openai.fail_with(500, times=4)  # two attempts for the chat, two for the direct call
    async with start_govbot() as gb:
        result = await send(gb.url, "답변해 주세요")
        try:
            await gb.runtime.gateway.complete(request())
        except AllProvidersFailed as error:
            raised = error
        assert await count_usage(gb.runtime) == 0
    assert result.reply["kind"] == "error"
    assert "AI 모델에 연결할 수 없습니다" in result.text and "스마트정보과" in result.text
    assert result.reply["notice"] is None
    assert len(raised.attempts) == 2


async def test_a_stream_that_breaks_midway_is_reported_not_billed(start_govbot, fake_openai):
    fake_openai.reply_with("이 답변은 중간에 끊어집니다. " * 5, break_stream_after=2)
    async with start_govbot() as gb:
        result = await send(gb.url, "긴 답변 부탁합니다")
        assert await count_usage(gb.runtime) == 0
    assert result.reply["kind"] == "error"
    assert "끊어졌습니다" in result.text


async def test_usage_is_estimated_when_the_provider_reports_none(start_govbot, fake_openai):
    fake_openai.reply_with("사용량 없는 답변", usage=None)
    async with start_govbot() as gb:
        completion = await gb.runtime.gateway.complete(request("토큰 수를 알려주지 않는 서버"))
    assert completion.usage.estimated is True
    assert completion.usage.prompt_tokens > 0 and completion.usage.completion_tokens > 0


async def test_offline_mode_says_so_honestly_and_counts_only_the_summary(start_govbot, fake_openai):
    async with start_govbot(offline=True) as gb:
        asked = await send(gb.url, "보도자료 초안을 써줘")
        text = (
            "한빛구는 내년부터 전동킥보드 견인 제도를 강화한다. 어린이보호구역에 방치된 전동킥보드는 즉시 견인된다. "
            "견인료는 4만 원이다. 구는 공유 업체와 협의해 전동킥보드 전용 주차구역을 늘릴 계획이다. 주민 의견은 다음 달까지 받는다."
        )
        summary = await send(gb.url, "다음 글을 요약해줘\n" + text)
        async with gb.runtime.store.sessions() as session:
            providers = list((await session.scalars(select(UsageRecord.provider))).all())
    assert fake_openai.requests == []
    assert "생성형 AI 모델이 연결되어 있지 않아" in asked.text and "base_url" in asked.text
    assert asked.reply["notice"] is None  # nothing was written by a model
    assert summary.text.startswith("핵심 문장 3개")
    bullets = [line[2:] for line in summary.text.splitlines() if line.startswith("- ")]
    assert len(bullets) == 3 and all(b in text for b in bullets)
    assert providers == ["offline"]  # the summary did work; "cannot write" did none and costs nothing

"""Attacks on billing and model access through the running server's HTTP API: an upstream that lies
about usage, limits past int32 on PostgreSQL, a department key asking for a model it may not use."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from datetime import UTC, datetime

import aiohttp
import yaml

from assistants.skills.registry import parse_office_config as parse_config
from tests.conftest import FAKE_KEY_ENV, PG_URL, config_for_upstreams, postgres_schema, shipped_config_data
from tests.integration.test_quota import config_with_quota
from tests.integration.webchat import send
from tests.support.serve import free_port

PROMPT = "주정차 단속 시간을 알려 주세요"


async def api_call(gb, key: str, model: str = "default", max_tokens: int = 100) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as session:
        async with session.post(
            gb.url + "/v1/chat/completions",
            json={"model": model, "messages": [{"role": "user", "content": PROMPT}], "max_tokens": max_tokens},
            headers={"Authorization": f"Bearer {key}"},
        ) as response:
            return response.status, await response.json()


async def month_used(gb) -> int:
    return {s.name: s.used for s in await gb.runtime.bundle.quota.status("traffic")}["tokens_per_month"]


async def test_upstream_cannot_bill_more_than_asked_or_less_than_nothing(start_govbot, fake_openai, caplog):
    # Attack: a compromised or buggy upstream (or a proxy in front of it) reports 5,000,000 completion
    # tokens for a call with max_tokens 100, which used to lock the department for the month; then a
    # negative usage, which used to lower the department's counter.
    config = config_with_quota(config_for_upstreams(fake_openai.base_url), tokens_per_month=1_000_000)
    fake_openai.reply_with("짧은 답변입니다", usage=(11, 5_000_000))
    fake_openai.reply_with("정상 답변입니다", usage=(11, 7))
    fake_openai.reply_with("음수 답변입니다", usage=(-1_000_000, -500))
    caplog.set_level(logging.WARNING, logger="bot.gateway.stages.bound_usage")
    async with start_govbot(config=config) as gb:
        key, _ = await gb.runtime.store.keys.create("traffic", "공격 시험", "park.jiyoung")
        huge_status, huge = await api_call(gb, key, max_tokens=100)
        after_huge = await month_used(gb)
        normal_status, _ = await api_call(gb, key)
        after_normal = await month_used(gb)
        negative_status, negative = await api_call(gb, key)
        after_negative = await month_used(gb)
        recorded = await gb.runtime.store.usage.totals("traffic", datetime(2000, 1, 1, tzinfo=UTC))
        audit = [row async for row in gb.runtime.store.audit.rows() if row["purpose"] != "admin"]
    assert (huge_status, normal_status, negative_status) == (200, 200, 200)
    assert huge["usage"]["completion_tokens"] == 100  # clamped to max_tokens, also in the reply
    assert after_huge == 11 + 100
    assert after_normal == after_huge + 18
    assert negative["usage"] == {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
    assert after_negative == after_normal  # never lowered
    assert recorded.tokens == after_negative
    assert [row["completion_tokens"] for row in audit] == [100, 7, 0]
    assert ['"usage_clamped": 1' in row["findings"] for row in audit] == [True, False, True]
    warnings = [r.getMessage() for r in caplog.records if "out of bounds" in r.getMessage()]
    assert len(warnings) == 2 and "completion=5000000->100" in warnings[0]
    assert not any(text in w for w in warnings for text in (PROMPT, "짧은 답변", "음수 답변"))  # no content


async def test_limits_past_int32_work_on_postgresql(start_govbot, fake_openai):
    # Attack/misconfiguration: limits above 2,147,483,647 passed check-config and made every call on
    # PostgreSQL fail with 500 (int32 columns and parameters).
    config = config_with_quota(
        config_for_upstreams(fake_openai.base_url),
        requests_per_day=3_000_000_000,
        tokens_per_day=9_000_000_000,
        user_requests_per_minute=2_500_000_000,
    )
    async with postgres_schema() as schema:
        async with start_govbot(config=config, database_url=PG_URL, schema=schema) as gb:
            key, _ = await gb.runtime.store.keys.create("traffic", "큰 한도", "park.jiyoung")
            status, body = await api_call(gb, key)
            chat = await send(gb.url, "큰 한도에서 질문합니다")
            shown = {s.name: (s.used, s.value) for s in await gb.runtime.bundle.quota.status("traffic")}
    assert status == 200, body
    assert chat.reply["kind"] == "answer"
    assert shown["requests_per_day"] == (2, 3_000_000_000)
    assert shown["tokens_per_day"][1] == 9_000_000_000


def _limited_models_config(base_url: str, models: list[str]):
    data = config_for_upstreams(base_url).model_dump(mode="json", exclude_none=True)
    data["departments"][0]["models"] = models  # traffic
    return parse_config(yaml.safe_dump(data, allow_unicode=True))


async def test_department_key_cannot_use_a_model_off_its_list(start_govbot, fake_openai):
    # Attack: a department's API key asks for the external model ("long") that app.yaml keeps off the
    # department's list; before, any department key could use any alias.
    config = _limited_models_config(fake_openai.base_url, ["default"])
    async with start_govbot(config=config) as gb:
        key, _ = await gb.runtime.store.keys.create("traffic", "내부 모델 전용", "park.jiyoung")
        refused_status, refused = await api_call(gb, key, model="long")
        allowed_status, _ = await api_call(gb, key, model="default")
        other_key, _ = await gb.runtime.store.keys.create("pr", "제한 없음", "choi.hyunwoo")
        other_status, _ = await api_call(gb, other_key, model="long")  # no list: every alias
        audit = [row async for row in gb.runtime.store.audit.rows() if row["purpose"] != "admin"]
        used = await month_used(gb)
    assert refused_status == 403
    error = refused["error"]
    assert error["type"] == "permission_error" and error["code"] == "model_not_allowed"
    assert "'long'" in error["message"] and "쓸 수 없습니다" in error["message"] and "default" in error["message"]
    assert (allowed_status, other_status) == (200, 200)
    assert len(fake_openai.requests) == 2  # the refused call never reached the upstream
    assert audit[0]["decision"] == "blocked" and audit[0]["error_code"] == "model_not_allowed"
    assert used == 18  # the refused call cost nothing


async def test_chat_with_an_assistant_on_a_model_off_the_list_is_refused_clearly(start_govbot, fake_openai):
    # The department may only use "long"; its default assistant runs on "default".
    config = _limited_models_config(fake_openai.base_url, ["long"])
    async with start_govbot(config=config) as gb:
        result = await send(gb.url, "외부 모델로 답해 주세요")
        other = await send(gb.url, "홍보 문구 다듬어 주세요", user="jung.eunji")  # pr: no list
    assert result.reply["kind"] == "refusal"
    assert "쓸 수 없습니다" in result.text and "departments[].models" in result.text
    assert other.reply["kind"] == "answer"
    assert len(fake_openai.requests) == 1


async def test_serve_warns_naming_the_unset_key_variable(tmp_path):
    # Before: with the key variable unset, serve silently answered from the offline engine.
    data = shipped_config_data()
    path = tmp_path / "app.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "ONPREM_LLM_KEY", FAKE_KEY_ENV)}
    env.update(
        GOVBOT_CONFIG=str(path),
        GOVBOT_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/warn.db",
        GOVBOT_PORT=str(free_port()),
        COLUMNS="200",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "serve",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        banner = await asyncio.wait_for(process.stdout.readline(), 60)  # type: ignore[union-attr]
    finally:
        process.terminate()
        _, errors = await process.communicate()
    text = errors.decode()
    assert "govbot" in banner.decode() and "오프라인" in banner.decode()
    assert "OPENAI_API_KEY" in text and "ONPREM_LLM_KEY" in text and "설정되어 있지 않아" in text

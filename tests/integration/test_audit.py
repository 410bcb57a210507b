"""The audit trail: one record per call with its decision, and `govbot audit verify` naming tampering."""

from __future__ import annotations

import asyncio
import json

from openai import AsyncOpenAI
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from bot.cli import app
from bot.store.models import AuditHead, AuditRecord
from tests.conftest import APP_YAML, config_for_upstreams
from tests.integration.test_quota import config_with_quota
from tests.integration.webchat import send

runner = CliRunner()


async def records(runtime) -> list[AuditRecord]:
    async with runtime.store.sessions() as session:
        return list((await session.scalars(select(AuditRecord).order_by(AuditRecord.seq))).all())


async def cli(gb, *args: str):
    env = {"GOVBOT_DATABASE_URL": gb.settings.database_url, "GOVBOT_CONFIG": str(APP_YAML)}
    return await asyncio.to_thread(runner.invoke, app, list(args), env=env)


async def test_every_call_is_recorded_with_its_decision_and_no_content(start_govbot, fake_openai):
    fake_openai.fail_with(500, times=2)
    config = config_with_quota(config_for_upstreams(fake_openai.base_url), requests_per_day=2)
    async with start_govbot(config=config) as gb:
        await send(gb.url, "첫 질문은 실패합니다")
        await send(gb.url, "두 번째 질문")
        await send(gb.url, "세 번째 질문")
        await send(gb.url, "네 번째는 한도 초과")
        rows = await records(gb.runtime)
    assert [r.decision for r in rows] == ["failed", "allowed", "allowed", "refused_quota"]
    assert [r.seq for r in rows] == [1, 2, 3, 4]
    assert rows[1].prompt_tokens == 11 and rows[1].provider == "fake0"
    assert all(r.content is None for r in rows)
    assert rows[0].error_code == "provider_unavailable" and rows[3].error_code == "quota_exceeded"
    assert all(json.loads(r.findings) == {} for r in rows)


async def test_verify_passes_then_names_an_edited_a_deleted_and_a_truncated_record(start_govbot, fake_openai):
    async with start_govbot() as gb:
        key, _ = await gb.runtime.store.keys.create("traffic", "감사 시험", "park.jiyoung")  # record 1: key_create
        client = gb.track(AsyncOpenAI(base_url=gb.url + "/v1", api_key=key, max_retries=0))
        for i in range(5):  # records from the web chat and from the OpenAI-compatible endpoint, interleaved
            if i % 2:
                await client.chat.completions.create(
                    model="default", messages=[{"role": "user", "content": f"질문 {i}"}]
                )
            else:
                await send(gb.url, f"질문 {i}")
        clean = await cli(gb, "audit", "verify")
        async with gb.runtime.store.sessions.begin() as session:
            await session.execute(update(AuditRecord).where(AuditRecord.seq == 2).values(completion_tokens=1))
        edited = await cli(gb, "audit", "verify")
        api_call_id = (await records(gb.runtime))[1].call_id
        async with gb.runtime.store.sessions.begin() as session:
            await session.execute(update(AuditRecord).where(AuditRecord.seq == 2).values(completion_tokens=7))
            await session.execute(delete(AuditRecord).where(AuditRecord.seq == 4))
        deleted = await cli(gb, "audit", "verify")
        async with gb.runtime.store.sessions.begin() as session:
            await session.execute(delete(AuditRecord).where(AuditRecord.seq >= 4))
        truncated = await cli(gb, "audit", "verify")
        async with gb.runtime.store.sessions() as session:
            head = await session.scalar(select(AuditHead.seq))
    assert clean.exit_code == 0 and "6건 모두 온전합니다" in clean.output
    assert (
        edited.exit_code == 1
        and "#2 edited" in edited.output
        and "기록 2번" in edited.output
        and api_call_id in edited.output
    )
    assert "#1" not in edited.output and "#3" not in edited.output  # only the edited record is named
    assert deleted.exit_code == 1 and "#4 missing" in deleted.output
    assert truncated.exit_code == 1 and "tail_removed" in truncated.output and head == 6


async def test_export_as_csv_and_jsonl(start_govbot, fake_openai, tmp_path):
    async with start_govbot() as gb:
        await send(gb.url, "주민센터 운영 시간은?")
        jsonl = await cli(gb, "audit", "export", "--since", "2020-01-01", "--format", "jsonl")
        csv_file = tmp_path / "audit.csv"
        as_csv = await cli(gb, "audit", "export", "--format", "csv", "--out", str(csv_file))
        bad = await cli(gb, "audit", "export", "--since", "어제")
    line = json.loads(jsonl.stdout.strip().splitlines()[0])
    assert line["decision"] == "allowed" and line["department_id"] == "traffic" and "주민센터" not in jsonl.stdout
    assert as_csv.exit_code == 0 and csv_file.read_text(encoding="utf-8").startswith("seq,created_at,call_id")
    assert bad.exit_code == 2 and "날짜 형식이 아닙니다" in bad.output

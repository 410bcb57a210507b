"""The terminal chat as an admin uses it, and what is (not) stored under each retention setting."""

from __future__ import annotations

import yaml
from sqlalchemy import func, select
from typer.testing import CliRunner

from assistants.skills.registry import parse_office_config as parse_config
from bot.cli import app
from bot.store.models import AuditRecord, ConversationMessage
from tests.conftest import APP_YAML, config_for_upstreams
from tests.integration.webchat import send


def test_console_chat_answers_commands_offline(tmp_path):
    data = yaml.safe_load(APP_YAML.read_text(encoding="utf-8"))
    data["providers"], data["models"] = [], {}
    config = tmp_path / "app.yaml"
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    env = {"GOVBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/c.db", "GOVBOT_CONFIG": str(config)}
    result = CliRunner().invoke(app, ["chat", "--user", "han.sujin"], input="/quota\n보도자료 써줘\n/quit\n", env=env)
    assert result.exit_code == 0, result.output
    assert "민원여권과" in result.output and "이번 달 사용량" in result.output
    assert "오프라인 모드" in result.output


def test_console_chat_with_unknown_config_path_fails_clearly(tmp_path):
    result = CliRunner().invoke(app, ["chat", "--user", "han.sujin", "--config", str(tmp_path / "none.yaml")])
    assert result.exit_code == 2 and "설정 파일이 없습니다" in result.output


async def count(runtime, model) -> int:
    async with runtime.store.sessions() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_default_retention_stores_no_message_content(start_govbot, fake_openai):
    async with start_govbot() as gb:
        await send(gb.url, "불법 현수막 철거 절차를 알려줘")
        await send(gb.url, "과태료는 얼마인가요?")
        stored = await count(gb.runtime, ConversationMessage)
        _, chain_problems = await gb.runtime.store.audit.verify()
        async with gb.runtime.store.sessions() as session:
            contents = (await session.scalars(select(AuditRecord.content))).all()
    assert stored == 0 and set(contents) == {None}
    assert chain_problems == []
    # …but the thread still remembers within this process:
    assert [m["content"] for m in fake_openai.requests[1]["messages"][1:3]] == [
        "불법 현수막 철거 절차를 알려줘",
        fake_openai.default_text,
    ]


async def test_store_content_keeps_the_thread_in_the_database_across_restarts(start_govbot, fake_openai, tmp_path):
    raw = config_for_upstreams(fake_openai.base_url).model_dump(mode="json")
    raw["retention"]["store_content"] = True
    config = parse_config(yaml.safe_dump(raw, allow_unicode=True))
    database = f"sqlite+aiosqlite:///{tmp_path}/kept.db"
    async with start_govbot(config=config, database_url=database) as gb:
        await send(gb.url, "첫 질문", thread="kept")
    async with start_govbot(config=config, database_url=database) as gb:  # a restart: process memory is gone
        await send(gb.url, "이어지는 질문", thread="kept")
        stored = await count(gb.runtime, ConversationMessage)
        async with gb.runtime.store.sessions() as session:
            audit_contents = (await session.scalars(select(AuditRecord.content).order_by(AuditRecord.seq))).all()
    assert stored == 4
    assert [m["content"] for m in fake_openai.requests[1]["messages"][1:]] == [
        "첫 질문",
        fake_openai.default_text,
        "이어지는 질문",
    ]
    assert audit_contents == ["첫 질문", "이어지는 질문"]

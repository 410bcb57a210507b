"""Shared fixtures: a fake OpenAI upstream, a running govbot, and the PostgreSQL path.

Everything listens on 127.0.0.1 only. PostgreSQL tests use a fresh schema per test and drop it after;
where no PostgreSQL answers they are skipped with the reason shown (pytest -ra prints it).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
import yaml

from assistants.skills.registry import parse_office_config as parse_config
from bot.config import AppConfig
from bot.dispatch.dispatcher import ActionHandler, Interceptor
from bot.runtime import Runtime, build_runtime
from bot.server import bound_port, start_server
from bot.settings import Settings
from tests.fakes.openai_server import FakeOpenAI

ROOT = Path(__file__).resolve().parents[1]
APP_YAML = ROOT / "app.yaml"
FAKE_KEY_ENV = "GOVBOT_TEST_UPSTREAM_KEY"
PG_URL = os.environ.get("GOVBOT_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


def shipped_config_data() -> dict[str, Any]:
    return yaml.safe_load(APP_YAML.read_text(encoding="utf-8"))


def config_for_upstreams(*base_urls: str, data: dict[str, Any] | None = None) -> AppConfig:
    """The shipped app.yaml with its providers replaced by the given fake upstreams, tried in order."""
    data = data if data is not None else shipped_config_data()
    data["providers"] = [
        {
            "id": f"fake{i}",
            "kind": "openai",
            "base_url": url,
            "api_key_env": FAKE_KEY_ENV,
            "timeout_seconds": 5,
            "max_retries": 1,
        }
        for i, url in enumerate(base_urls)
    ]
    targets = [{"provider": f"fake{i}", "model": f"fake-model-{i}"} for i in range(len(base_urls))]
    data["models"] = {"default": targets, "long": targets}
    return parse_config(yaml.safe_dump(data, allow_unicode=True))


def offline_config() -> AppConfig:
    data = shipped_config_data()
    data["providers"], data["models"] = [], {}
    return parse_config(yaml.safe_dump(data, allow_unicode=True))


@pytest.fixture
async def fake_openai() -> AsyncIterator[FakeOpenAI]:
    server = await FakeOpenAI().start()
    yield server
    await server.stop()


T = TypeVar("T")


@dataclass
class RunningGovbot:
    url: str
    runtime: Runtime
    settings: Settings
    clients: list[Any] = field(default_factory=list)

    def track(self, client: T) -> T:
        """An API client (e.g. AsyncOpenAI) closed with this server: one left open is closed by the garbage
        collector in a later test, on its own closed event loop, with a traceback in that test's log."""
        self.clients.append(client)
        return client


async def _can_reach_postgres() -> str | None:
    import asyncpg

    try:
        connection = await asyncio.wait_for(asyncpg.connect("postgresql://postgres@127.0.0.1:5432/test"), 3)
    except Exception as error:  # noqa: BLE001 - any failure means "not available here"
        return f"PostgreSQL at 127.0.0.1:5432 is not reachable ({type(error).__name__}: {error})"
    await connection.close()
    return None


@asynccontextmanager
async def postgres_schema() -> AsyncIterator[str]:
    """A fresh, empty schema in the `test` database, dropped afterwards."""
    import asyncpg

    reason = await _can_reach_postgres()
    if reason:
        pytest.skip(reason)
    schema = f"govbot_test_{uuid.uuid4().hex[:12]}"
    connection = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/test")
    try:
        await connection.execute(f'CREATE SCHEMA "{schema}"')
        yield schema
    finally:
        await connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await connection.close()


@pytest.fixture(params=["sqlite", "postgres"])
async def database(request, tmp_path) -> AsyncIterator[tuple[str, str | None]]:
    """(database_url, schema) for both stores: the embedded default and the scale-out path."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/govbot.db", None
        return
    async with postgres_schema() as schema:
        yield PG_URL, schema


@pytest.fixture
def start_govbot(tmp_path, fake_openai, monkeypatch):
    """Factory: `async with start_govbot(env=..., config=..., config_yaml=...) as gb:` runs govbot on a random port.

    By default the shipped app.yaml is used with its providers pointed at `fake_openai`.
    `config_yaml` may contain the placeholder {FAKE_OPENAI_URL}. `offline=True` removes every provider.
    `actions` (button verbs -> handlers) and `interceptors` (first look at every message) are added to the skills'
    and authoring's when the bot is built; it is not changed afterwards.
    """
    counter = {"n": 0}

    @asynccontextmanager
    async def start(
        *,
        env: dict[str, str] | None = None,
        config: AppConfig | None = None,
        config_yaml: str | None = None,
        offline: bool = False,
        database_url: str | None = None,
        schema: str | None = None,
        actions: Mapping[str, ActionHandler] | None = None,
        interceptors: Sequence[Interceptor] = (),
        **settings_overrides: Any,
    ) -> AsyncIterator[RunningGovbot]:
        counter["n"] += 1
        environ = {FAKE_KEY_ENV: "sk-test-not-a-real-key", **(env or {})}
        for key, value in environ.items():
            monkeypatch.setenv(key, value)
        if config_yaml is not None:
            config = parse_config(config_yaml.replace("{FAKE_OPENAI_URL}", fake_openai.base_url))
        elif config is None:
            config = offline_config() if offline else config_for_upstreams(fake_openai.base_url)
        settings = Settings(
            config=APP_YAML,
            database_url=database_url or f"sqlite+aiosqlite:///{tmp_path}/govbot-{counter['n']}.db",
            host="127.0.0.1",
            port=0,
            **settings_overrides,
        )
        runtime = await build_runtime(
            settings,
            environ=dict(os.environ),
            config=config,
            migrate=True,
            schema=schema,
            actions=actions,
            interceptors=interceptors,
        )
        runner = await start_server(runtime, "127.0.0.1", 0)
        running = RunningGovbot(f"http://127.0.0.1:{bound_port(runner)}", runtime, settings)
        try:
            yield running
        finally:
            for client in running.clients:
                await client.close()
            await runner.cleanup()
            await runtime.close()

    return start

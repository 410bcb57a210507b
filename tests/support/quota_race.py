"""Several real `govbot serve` processes sharing one database, hit concurrently through the
OpenAI-compatible endpoint, against a department budget that allows exactly N requests.

Used by the test suite (small N) and by benchmarks/quota_concurrency.py (large N).
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import openai
import yaml
from openai import AsyncOpenAI

from bot.quota.limits import CounterKey, periods
from bot.store import Store
from tests.conftest import FAKE_KEY_ENV, shipped_config_data
from tests.fakes.openai_server import FakeOpenAI
from tests.support.serve import start_govbot_process, wait_healthy


@dataclass(frozen=True)
class RaceResult:
    budget_requests: int
    budget_tokens: int | None
    attempted: int
    served: int
    refused: int
    other_errors: int
    upstream_calls: int
    tokens_used: int
    requests_counted: int
    seconds: float

    @property
    def tokens_over_budget(self) -> int:
        return max(0, self.tokens_used - self.budget_tokens) if self.budget_tokens is not None else 0


async def race(
    work_dir: Path,
    database_url: str,
    schema: str | None,
    budget_requests: int,
    per_process: int,
    processes: int = 2,
    budget_tokens: int | None = None,
) -> RaceResult:
    fake = await FakeOpenAI().start()
    data = shipped_config_data()
    data["providers"] = [
        {"id": "fake", "kind": "openai", "base_url": fake.base_url, "api_key_env": FAKE_KEY_ENV, "max_retries": 0}
    ]
    data["models"] = {"default": [{"provider": "fake", "model": "fake-model"}]}
    data["departments"][0]["quota"] = {
        "requests_per_day": budget_requests,
        **({"tokens_per_day": budget_tokens} if budget_tokens else {}),
    }
    config_path = work_dir / "race.yaml"
    config_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    env = {
        **os.environ,
        "GOVBOT_CONFIG": str(config_path),
        "GOVBOT_DATABASE_URL": database_url,
        "GOVBOT_WEB_DEV_LOGIN": "false",
        "GOVBOT_LOG_LEVEL": "WARNING",
        FAKE_KEY_ENV: "sk-race",
    }
    if schema:
        env["GOVBOT_DATABASE_SCHEMA"] = schema
    upgrade = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "db", "upgrade", env=env, stdout=asyncio.subprocess.DEVNULL
    )
    await upgrade.wait()
    store = await Store.open(database_url, schema=schema)
    key, _ = await store.keys.create("traffic", "race", "park.jiyoung")
    servers: list[tuple[str, asyncio.subprocess.Process]] = []
    try:
        for _ in range(processes):
            servers.append(await start_govbot_process(env))
        for url, process in servers:
            await wait_healthy(url, process)
        outcomes: list[str] = []

        async def one(client: AsyncOpenAI, i: int) -> None:
            try:
                await client.chat.completions.create(
                    model="default",
                    messages=[{"role": "user", "content": f"민원 처리 기한 질문 {i:05d}"}],
                    max_tokens=50,
                )
                outcomes.append("served")
            except openai.RateLimitError:
                outcomes.append("refused")
            except openai.APIError:
                outcomes.append("error")

        clients = [AsyncOpenAI(base_url=url + "/v1", api_key=key, max_retries=0, timeout=120) for url, _ in servers]
        started = time.perf_counter()
        await asyncio.gather(*[one(client, i) for client in clients for i in range(per_process)])
        seconds = time.perf_counter() - started
        for client in clients:
            await client.close()
        day = periods(__import__("datetime").datetime.now(__import__("zoneinfo").ZoneInfo("Asia/Seoul"))).day
        state = await store.quota.state(CounterKey("dept", "traffic", day))
    finally:
        for _, process in servers:
            if process.returncode is None:
                process.terminate()
                await process.wait()
        await store.close()
        await fake.stop()
    return RaceResult(
        budget_requests,
        budget_tokens,
        len(outcomes),
        outcomes.count("served"),
        outcomes.count("refused"),
        outcomes.count("error"),
        len(fake.requests),
        state.used_tokens,
        state.requests,
        seconds,
    )

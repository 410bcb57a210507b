"""Attack/outage: `kill -9` of a govbot process with calls in flight must not lock a department out.

The outside test that found it: 20 calls in flight, `kill -9`, and 20,140 tokens stayed reserved
forever; `quota show` said 20% used while every request was refused, and `quota reset` did not help.
Here real `govbot serve` processes run against a slow fake upstream on both stores.
"""

from __future__ import annotations

import asyncio
import os
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openai
import yaml
from openai import AsyncOpenAI
from typer.testing import CliRunner

from bot.cli import app
from bot.gateway.stream import estimate_tokens
from bot.quota.limits import CounterKey, periods
from bot.store import Store
from tests.conftest import FAKE_KEY_ENV, shipped_config_data
from tests.fakes.openai_server import FakeOpenAI
from tests.support.serve import serve_govbot

IN_FLIGHT = 5
MAX_TOKENS = 200
PROMPT = "불법 주정차 과태료 감경 기준을 알려 주세요"
RESERVE = estimate_tokens(PROMPT) + MAX_TOKENS


def _write_config(work_dir: Path, fake: FakeOpenAI) -> Path:
    data = shipped_config_data()
    data["providers"] = [
        {
            "id": "fake",
            "kind": "openai",
            "base_url": fake.base_url,
            "api_key_env": FAKE_KEY_ENV,
            "max_retries": 0,
            "timeout_seconds": 120,
        }
    ]
    data["models"] = {"default": [{"provider": "fake", "model": "fake-model"}]}
    # Exactly IN_FLIGHT reservations fit; one more is refused while they are held.
    data["departments"][0]["quota"] = {"tokens_per_day": IN_FLIGHT * RESERVE + RESERVE // 2}
    path = work_dir / "crash.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


async def _govbot(env: dict[str, str], *args: str) -> str:
    """The admin's `govbot …` command (in a thread of this process: a new interpreter per command is slow)."""
    result = await asyncio.to_thread(CliRunner().invoke, app, list(args), env={**env, "COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def _show_row(output: str, label: str) -> str:
    return next(line for line in output.splitlines() if label in line)


async def test_kill_9_with_calls_in_flight_gives_the_quota_back_and_audits_them_interrupted(database, tmp_path):
    url, schema = database
    fake = await FakeOpenAI().start()
    for _ in range(IN_FLIGHT):
        fake.reply_with("늦은 답변", delay=30)  # still at the upstream when the process is killed
    env = {
        **os.environ,
        "GOVBOT_CONFIG": str(_write_config(tmp_path, fake)),
        "GOVBOT_DATABASE_URL": url,
        "GOVBOT_WEB_DEV_LOGIN": "false",
        "GOVBOT_LOG_LEVEL": "WARNING",
        "GOVBOT_QUOTA_LEASE_SECONDS": "3",
        "GOVBOT_QUOTA_SWEEP_SECONDS": "0.5",
        FAKE_KEY_ENV: "sk-crash",
    }
    if schema:
        env["GOVBOT_DATABASE_SCHEMA"] = schema
    store = await Store.open(url, schema=schema, migrate=True)
    key, _ = await store.keys.create("traffic", "장애 시험", "park.jiyoung")
    day = CounterKey("dept", "traffic", periods(datetime.now(ZoneInfo("Asia/Seoul"))).day)
    processes: list[asyncio.subprocess.Process] = []
    try:
        first_url, first = await serve_govbot(env)
        processes.append(first)
        client = AsyncOpenAI(base_url=first_url + "/v1", api_key=key, max_retries=0, timeout=60)

        async def ask(c: AsyncOpenAI) -> str:
            try:
                await c.chat.completions.create(
                    model="default", messages=[{"role": "user", "content": PROMPT}], max_tokens=MAX_TOKENS
                )
                return "served"
            except openai.RateLimitError:
                return "refused"
            except openai.APIError:
                return "broken"

        in_flight = [asyncio.create_task(ask(client)) for _ in range(IN_FLIGHT)]
        deadline = time.monotonic() + 30
        while len(fake.requests) < IN_FLIGHT and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert len(fake.requests) == IN_FLIGHT  # every prompt reached the upstream
        assert await ask(client) == "refused"  # the department's budget is all reserved
        shown_reserved = await _govbot(env, "quota", "show", "traffic")
        # The attack: kill -9 while the calls are in flight (no cleanup code runs).
        first.kill()
        await first.wait()
        assert await asyncio.gather(*in_flight) == ["broken"] * IN_FLIGHT
        await client.close()
        held = await store.quota.state(day)
        assert (held.reserved_tokens, held.used_tokens) == (IN_FLIGHT * RESERVE, 0)

        second_url, second = await serve_govbot(env)
        processes.append(second)
        deadline = time.monotonic() + 30  # lease 3 s after the last renewal, swept every 0.5 s
        while (await store.quota.state(day)).reserved_tokens and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        after = await store.quota.state(day)
        shown_released = await _govbot(env, "quota", "show", "traffic")
        audit = [row async for row in store.audit.rows() if row["purpose"] != "admin"]

        # A call slower than the lease in a living process keeps its reservation (it is renewed).
        fake.reply_with("천천히 온 답변", delay=5, usage=(12, 30))
        client = AsyncOpenAI(base_url=second_url + "/v1", api_key=key, max_retries=0, timeout=60)
        slow = await client.chat.completions.create(
            model="default", messages=[{"role": "user", "content": PROMPT}], max_tokens=MAX_TOKENS
        )
        again = await ask(client)  # and the department can use its quota again
        await client.close()
        final = await store.quota.state(day)
        audit_after = [row async for row in store.audit.rows() if row["purpose"] != "admin"]
        _, problems = await store.audit.verify()
    finally:
        for process in processes:
            if process.returncode is None:
                process.kill()
                await process.wait()
        await store.close()
        await fake.stop()

    assert f"{IN_FLIGHT * RESERVE:,}" in _show_row(shown_reserved, "하루 토큰")  # reserved, shown to the admin
    assert (after.reserved_tokens, after.used_tokens, after.requests) == (0, 0, 0)
    assert _show_row(shown_released, "하루 토큰").split("│")[4].strip() == "0"  # released
    interrupted = [row for row in audit if row["decision"] == "interrupted"]
    assert len(interrupted) == IN_FLIGHT
    assert {row["department_id"] for row in interrupted} == {"traffic"}
    assert all(row["error_code"] == "process_stopped" and row["content"] is None for row in interrupted)
    assert len({row["call_id"] for row in interrupted}) == IN_FLIGHT
    assert [r["decision"] for r in audit_after].count("interrupted") == IN_FLIGHT  # the slow call was not swept
    assert problems == []  # the interrupted records are part of the unbroken chain
    assert slow.usage.total_tokens == 42 and again == "served"
    assert final.reserved_tokens == 0 and final.requests == 2 and final.used_tokens == 42 + 18

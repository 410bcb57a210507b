"""Real `govbot serve` processes: Slack's retry landing on another process is answered once (the claim
is shared through the database or Redis), and `govbot serve --slack-socket-mode` connects out."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from pathlib import Path

import pytest
import yaml

from tests.conftest import FAKE_KEY_ENV, shipped_config_data
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.slack_server import FakeSlack
from tests.integration.slack_support import block_texts, envelope, mention, send_event, slack_env, socket_env
from tests.support.serve import serve_govbot


def _environment(
    tmp_path: Path, fake_openai: FakeOpenAI, fake_slack: FakeSlack, extra: dict[str, str]
) -> dict[str, str]:
    data = shipped_config_data()
    data["providers"] = [
        {
            "id": "fake",
            "kind": "openai",
            "base_url": fake_openai.base_url,
            "api_key_env": FAKE_KEY_ENV,
            "max_retries": 0,
        }
    ]
    data["models"] = {
        "default": [{"provider": "fake", "model": "fake-model"}],
        "long": [{"provider": "fake", "model": "fake-model"}],
    }
    config_path = tmp_path / "slack.yaml"
    config_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "GOVBOT_"))}
    return {
        **env,
        "GOVBOT_CONFIG": str(config_path),
        "GOVBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/shared.db",
        "GOVBOT_SLACK_API_URL": fake_slack.api_url,
        "GOVBOT_LOG_LEVEL": "WARNING",
        FAKE_KEY_ENV: "sk-slack-processes",
        **extra,
    }


async def _serve(env: dict[str, str], *args: str) -> tuple[str, asyncio.subprocess.Process]:
    return await serve_govbot(env, *args, stdout=asyncio.subprocess.PIPE)  # _stop reads what it printed


async def _stop(process: asyncio.subprocess.Process) -> bytes:
    if process.returncode is None:
        process.terminate()
    output, _ = await asyncio.wait_for(process.communicate(), 30)
    return output or b""


@pytest.mark.parametrize("shared", ["database", "redis"])
async def test_a_retry_delivered_to_another_process_is_answered_once(tmp_path, fake_openai, fake_slack, shared):
    extra = slack_env()
    if shared == "redis":
        from redis.asyncio import Redis

        client = Redis.from_url("redis://127.0.0.1:6379/0")
        try:
            await client.ping()
        except Exception as error:  # noqa: BLE001 - no Redis on this machine
            pytest.skip(f"Redis at 127.0.0.1:6379 is not reachable ({type(error).__name__})")
        finally:
            await client.aclose()
        extra["GOVBOT_REDIS_URL"] = "redis://127.0.0.1:6379/0"
    fake_openai.reply_with("두 프로세스 중 하나만 답합니다.", delay=0.3)
    env = _environment(tmp_path, fake_openai, fake_slack, extra)
    upgrade = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "db", "upgrade", env=env, stdout=asyncio.subprocess.DEVNULL
    )
    await upgrade.wait()
    first_url, first = await _serve(env)
    second_url, second = await _serve(env)
    try:
        event = mention("프로세스 중복 확인")
        event_id = f"Ev{uuid.uuid4().hex[:10].upper()}"
        sent = await asyncio.gather(
            send_event(first_url, event, event_id=event_id),
            send_event(second_url, event, event_id=event_id, retry_num=1),
        )
        assert [s.status for s in sent] == [200, 200]

        def finals() -> list:
            return [
                c
                for c in fake_slack.called("chat.update")
                if "하나만 답합니다" in block_texts(c.args.get("blocks"))
                and "작성 중" not in block_texts(c.args.get("blocks"))
            ]

        await fake_slack.wait_for(finals, timeout=30)
        await asyncio.sleep(1.0)  # time for a wrongly started second answer to show up
    finally:
        await _stop(first)
        await _stop(second)
    assert len(fake_openai.requests) == 1
    assert len([c for c in fake_slack.called("chat.postMessage") if c.args.get("thread_ts") == event["ts"]]) == 1


async def test_govbot_serve_slack_socket_mode_connects_out_and_answers(tmp_path, fake_openai, fake_slack):
    fake_openai.reply_with("소켓 모드 프로세스의 답변입니다.")
    env = _environment(tmp_path, fake_openai, fake_slack, socket_env())
    url, process = await _serve(env, "--slack-socket-mode")
    try:
        await fake_slack.wait_connected(timeout=30)
        event = mention("CLI 소켓 모드 확인")
        await fake_slack.push("events_api", envelope(event), "env-cli-1")
        await fake_slack.wait_for(
            lambda: [
                c
                for c in fake_slack.called("chat.update")
                if "프로세스의 답변입니다" in block_texts(c.args.get("blocks"))
            ],
            timeout=30,
        )
    finally:
        output = await _stop(process)
    assert "Slack: Socket Mode" in output.decode()
    assert [a["envelope_id"] for a in fake_slack.socket_acks] == ["env-cli-1"]

"""Several real `govbot serve` processes sharing one PostgreSQL schema and one Redis prefix (tests of what must work
whichever process a request lands on), and private PostgreSQL / Redis servers for fault tests that stop them (the
ones at :5432 and :6379 are shared with others and are never stopped)."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import FAKE_KEY_ENV, shipped_config_data
from tests.support.serve import free_port, serve_govbot

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def write_config(
    path: Path, upstream_url: str, *, quota: dict[str, int] | None = None, complaints: dict[str, Any] | None = None
) -> Path:
    data = shipped_config_data()
    data["providers"] = [
        {"id": "fake", "kind": "openai", "base_url": upstream_url, "api_key_env": FAKE_KEY_ENV, "max_retries": 0}
    ]
    data["models"] = {
        "default": [{"provider": "fake", "model": "fake-model"}],
        "long": [{"provider": "fake", "model": "fake-model"}],
    }
    if quota is not None:
        data["departments"][0]["quota"] = quota
    data["complaints"].update(complaints or {})
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def serve_env(
    config: Path, database_url: str, schema: str | None, redis_url: str | None, **extra: str
) -> dict[str, str]:
    """What every process of one installation shares: app.yaml, the database, Redis (own key prefix), the audit key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "GOVBOT_", "Microsoft"))}
    env.update(
        {
            "GOVBOT_CONFIG": str(config),
            "GOVBOT_DATABASE_URL": database_url,
            "GOVBOT_AUDIT_KEY": "test-shared-audit-key-0123456789abcdef",
            "GOVBOT_REDIS_PREFIX": f"govbot-test-{uuid.uuid4().hex[:10]}:",
            "GOVBOT_LOG_LEVEL": os.environ.get("GOVBOT_TEST_SERVE_LOG_LEVEL", "WARNING"),
            FAKE_KEY_ENV: "sk-shared",
        }
    )
    if schema:
        env["GOVBOT_DATABASE_SCHEMA"] = schema
    if redis_url:
        env["GOVBOT_REDIS_URL"] = redis_url
    env.update(extra)
    return env


async def migrate(env: dict[str, str]) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "db", "upgrade", env=env, stdout=asyncio.subprocess.DEVNULL
    )
    assert await process.wait() == 0


@dataclass
class Cluster:
    """N serve processes of one installation; `url(i)` alternates between them."""

    env: dict[str, str]
    urls: list[str] = field(default_factory=list)
    processes: list[asyncio.subprocess.Process] = field(default_factory=list)

    async def start(self, count: int = 2) -> Cluster:
        await migrate(self.env)
        for _ in range(count):
            url, process = await serve_govbot(self.env)
            self.urls.append(url)
            self.processes.append(process)
        return self

    def url(self, index: int) -> str:
        return self.urls[index % len(self.urls)]

    async def stop(self) -> None:
        for process in self.processes:
            if process.returncode is None:
                process.terminate()
        for process in self.processes:
            try:
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                process.kill()


def private_servers_missing() -> str | None:
    """Why private PostgreSQL/Redis servers cannot be started here (None: they can)."""
    if not (PG_BIN / "initdb").exists():
        return f"PostgreSQL binaries not found in {PG_BIN}"
    if shutil.which("redis-server") is None:
        return "redis-server not found"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser (PostgreSQL will not run as root)"
    return None


def _unprivileged(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run its tools as the `postgres` system user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class PrivatePostgres:
    """A throw-away PostgreSQL cluster in a temporary directory on its own port (restartable by the test)."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="govbot-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self.port = free_port()
        subprocess.run(
            _unprivileged(
                [str(PG_BIN / "initdb"), "-D", str(self.dir / "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        subprocess.run(
            _unprivileged(
                [
                    str(PG_BIN / "pg_ctl"),
                    "-D",
                    str(self.dir / "data"),
                    "-l",
                    str(self.dir / "log"),
                    "-o",
                    f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off",
                    "-w",
                    "start",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(
            _unprivileged([str(PG_BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-m", mode, "-w", "stop"]),
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivateRedis:
    """A redis-server on its own port, no persistence (stoppable by the test)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            probe = subprocess.run(
                ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True, check=False
            )
            if probe.stdout.strip() == "PONG":
                return
            time.sleep(0.1)
        raise RuntimeError("private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None


def tokens_sent(rows: Sequence[Any]) -> int:
    return sum(int(r.prompt_tokens) + int(r.completion_tokens) for r in rows)

"""Real `govbot serve` processes for tests and benchmarks: one way to start one on a free loopback port and to
know it is up (its /healthz answers), so a change to how govbot is served is made here once."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path

import aiohttp


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def start_govbot_process(
    env: dict[str, str], *args: str, stdout: int = asyncio.subprocess.DEVNULL, cwd: Path | None = None
) -> tuple[str, asyncio.subprocess.Process]:
    """`python -m bot.cli serve ARGS` on a free port (not yet waited for: see `wait_healthy`); its URL and process."""
    port = free_port()
    # GOVBOT_TEST_SERVE_LOGS=DIR keeps each process's log in DIR/serve-PORT.log (to debug a failing test).
    logs = os.environ.get("GOVBOT_TEST_SERVE_LOGS")
    stderr = open(Path(logs) / f"serve-{port}.log", "wb") if logs else asyncio.subprocess.DEVNULL  # noqa: SIM115
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "serve",
        *args,
        env={**env, "GOVBOT_PORT": str(port)},
        cwd=cwd,
        stdout=stdout,
        stderr=stderr,
    )
    if not isinstance(stderr, int):
        stderr.close()  # the child has its own descriptor
    return f"http://127.0.0.1:{port}", process


async def wait_healthy(
    url: str,
    process: asyncio.subprocess.Process,
    seconds: float = 60,
    *,
    path: str = "/healthz",
    ready: Callable[[int], bool] = lambda status: status == 200,
    verify_tls: bool = True,
) -> None:
    """Return once `url` + `path` answers a status that is `ready` (200 by default; `verify_tls=False` for a proxy
    with its own test CA); fail at once if the process exits, or after `seconds` (then the
    process is killed: a caller that never got a healthy server has nothing to stop, and it must not outlive the test)."""
    deadline = time.monotonic() + seconds
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if process.returncode is not None:
                raise RuntimeError(f"{url}: the process exited with {process.returncode}")
            try:
                async with session.get(url + path, ssl=None if verify_tls else False) as response:
                    if ready(response.status):
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    process.kill()
    await process.wait()
    raise TimeoutError(f"{url} did not become healthy")


async def serve_govbot(
    env: dict[str, str], *args: str, stdout: int = asyncio.subprocess.DEVNULL
) -> tuple[str, asyncio.subprocess.Process]:
    """Start `govbot serve` and wait until it answers; its URL and process (the caller stops it)."""
    url, process = await start_govbot_process(env, *args, stdout=stdout)
    await wait_healthy(url, process)
    return url, process

"""`govbot serve --workers 2`: two processes answer on one port, a child that dies is started again, and SIGTERM to
the parent stops them all."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

from tests.conftest import APP_YAML
from tests.support.serve import start_govbot_process, wait_healthy


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


async def wait_children(pid: int, count: int, seconds: float = 60) -> list[int]:
    for _ in range(int(seconds * 10)):
        found = children(pid)
        if len(found) == count:
            return found
        await asyncio.sleep(0.1)
    raise AssertionError(f"expected {count} serve workers, found {children(pid)}")


async def test_two_workers_share_the_port_are_restarted_and_stop_together(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "GOVBOT_", "Microsoft"))}
    env |= {
        "GOVBOT_CONFIG": str(APP_YAML),
        "GOVBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/workers.db",
        "GOVBOT_AUDIT_KEY": "test-workers-audit-key-0123456789abcdef",
        "GOVBOT_LOG_LEVEL": "WARNING",
    }
    url, parent = await start_govbot_process(env, "--workers", "2")
    try:
        await wait_healthy(url, parent, 120)
        first, second = await wait_children(parent.pid, 2)
        os.kill(first, signal.SIGKILL)
        for _ in range(300):
            now = children(parent.pid)
            if len(now) == 2 and first not in now:
                break
            await asyncio.sleep(0.1)
        assert second in children(parent.pid) and first not in children(parent.pid) and len(children(parent.pid)) == 2
        await wait_healthy(url, parent, 60)
        survivors = children(parent.pid)
    finally:
        parent.terminate()
        code = await asyncio.wait_for(parent.wait(), 60)
    assert code == 0
    assert all(not Path(f"/proc/{pid}").exists() for pid in survivors)

"""The responsiveness probe must still fail a loop that stalls, whatever it subtracts for a busy machine:
the attack tests in test_document_limits.py rely on it."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiohttp import web

from tests.support.health_probe import assert_responsive, health_probe


async def _healthz(request: web.Request) -> web.Response:
    return web.Response(text="ok")


@pytest.fixture
async def health_url():
    app = web.Application()
    app.router.add_get("/healthz", _healthz)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


def _spin(seconds: float) -> None:
    """Holds the CPU and the interpreter, as a parser run on the event loop would."""
    until = time.thread_time() + seconds
    while time.thread_time() < until:
        pass


@pytest.mark.parametrize(
    "block", [pytest.param(lambda: time.sleep(3), id="sleeping"), pytest.param(lambda: _spin(3), id="computing")]
)
async def test_a_loop_blocked_for_three_seconds_fails_a_two_second_limit(health_url, block):
    async with health_probe(health_url) as probes:
        await asyncio.sleep(0.5)  # the probe answers first
        block()  # on the loop's thread: no probe can be answered meanwhile
        await asyncio.sleep(0.5)
    with pytest.raises(AssertionError, match="stalled"):
        assert_responsive(probes, 2.0)
    assert any(p.served_in > 2.0 for p in probes.probes)


async def test_a_loop_that_keeps_answering_passes(health_url):
    async with health_probe(health_url) as probes:
        for _ in range(20):
            await asyncio.sleep(0.1)
    assert_responsive(probes, 2.0)
    assert len(probes.probes) >= 3

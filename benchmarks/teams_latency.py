"""Teams adapter latency: a real govbot (SQLite) with botbuilder's CloudAdapter, a zero-latency fake OpenAI
upstream and a fake Bot Connector, all on 127.0.0.1 in one process. For each personal message it measures,
from the POST to /api/messages: the HTTP answer (202), the typing indicator reaching the connector, and the
answer card replacing "작성 중…". Also: rendering a 2,000-row table reply into a card that fits Teams.

Rerun:  .venv/bin/python benchmarks/teams_latency.py [--messages 60] [--concurrency 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp  # noqa: E402

from adapters.teams.cards import card_size, reply_card  # noqa: E402
from bot.conversation import Reply, Table  # noqa: E402
from bot.runtime import build_runtime  # noqa: E402
from bot.server import bound_port, start_server  # noqa: E402
from bot.settings import Settings  # noqa: E402
from tests.conftest import APP_YAML, FAKE_KEY_ENV, config_for_upstreams, shipped_config_data  # noqa: E402
from tests.fakes.bot_connector import FakeBotConnector  # noqa: E402
from tests.fakes.openai_server import FakeOpenAI  # noqa: E402
from tests.integration.teams import personal_message, user  # noqa: E402


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def one(
    session: aiohttp.ClientSession, url: str, connector: FakeBotConnector, index: int
) -> tuple[float, float, float]:
    sender = user(account=f"29:bench-{index}")
    activity = personal_message(connector.url, f"불법주정차 과태료 기준 알려줘 ({index})", sender=sender)
    conversation = activity["conversation"]["id"]
    started = time.perf_counter()
    async with session.post(f"{url}/api/messages", json=activity) as response:
        assert response.status == 202
    accepted = time.perf_counter() - started

    def seen(kind: str):
        return lambda c: [
            x
            for x in c.calls
            if x.conversation_id == conversation and (x.type == "typing" if kind == "typing" else x.card)
        ]

    await connector.wait_for(seen("typing"), timeout=60)
    typing = time.perf_counter() - started
    await connector.wait_for(seen("answer"), timeout=60)
    answered = time.perf_counter() - started
    return accepted * 1000, typing * 1000, answered * 1000


async def run(messages: int, concurrency: int) -> list[tuple[str, list[tuple[float, float, float]]]]:
    os.environ[FAKE_KEY_ENV] = "sk-bench"
    upstream = await FakeOpenAI().start()
    connector = await FakeBotConnector().start()
    data = shipped_config_data()
    for department in data["departments"]:
        department["quota"] = {}
    config = config_for_upstreams(upstream.base_url, data=data)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            config=APP_YAML,
            database_url=f"sqlite+aiosqlite:///{tmp}/bench.db",
            port=0,
            teams_update_seconds=60,
            teams_dev_emulator=True,  # the fake connector on 127.0.0.1 stands in for Azure Bot Service
        )
        runtime = await build_runtime(settings, environ=dict(os.environ), config=config, migrate=True)
        runner = await start_server(runtime, "127.0.0.1", 0)
        url = f"http://127.0.0.1:{bound_port(runner)}"
        async with aiohttp.ClientSession() as session:
            for i in range(5):  # warm-up
                await one(session, url, connector, 10_000 + i)
            sequential = [await one(session, url, connector, i) for i in range(messages)]
            results.append(("sequential", sequential))
            gate = asyncio.Semaphore(concurrency)

            async def limited(i: int) -> tuple[float, float, float]:
                async with gate:
                    return await one(session, url, connector, i)

            concurrent = await asyncio.gather(*(limited(20_000 + i) for i in range(messages)))
            results.append((f"concurrency {concurrency}", list(concurrent)))
        await runner.cleanup()
        await runtime.close()
    await connector.stop()
    await upstream.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=60)
    parser.add_argument("--concurrency", type=int, default=10)
    args = parser.parse_args()
    results = asyncio.run(run(args.messages, args.concurrency))
    print(f"Teams adapter, {args.messages} personal messages per row, zero-latency upstream, SQLite (ms)\n")
    print("| load | 202 p50 | 202 p99 | typing p50 | typing p99 | answer card p50 | answer card p99 |")
    print("|---|---|---|---|---|---|---|")
    for label, samples in results:
        cols = list(zip(*samples))
        print(
            f"| {label} | " + " | ".join(f"{statistics.median(c):.0f} | {pct(list(c), 0.99):.0f}" for c in cols) + " |"
        )

    rows = tuple((f"2026-{i:05d}", "한빛로 12 앞 보도블록 파손 신고 " * 3, "도로과") for i in range(2000))
    reply = Reply(
        "민원 2,000건을 분류했습니다. " * 200,
        kind="answer",
        parts=[Table(("접수번호", "내용", "부서"), rows)],
        notice="※ AI 초안",
    )
    started = time.perf_counter()
    for _ in range(20):
        card = reply_card(reply)
    elapsed = (time.perf_counter() - started) / 20 * 1000
    print(
        f"\nCard for a 2,000-row table + 5,600-character answer: {elapsed:.1f} ms to render, {card_size(card):,} bytes (limit 24,000)"
    )
    print("\nRerun: .venv/bin/python benchmarks/teams_latency.py [--messages 60] [--concurrency 10]")


if __name__ == "__main__":
    main()

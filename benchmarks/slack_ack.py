"""Slack acknowledgement latency: Slack gives an app 3 seconds to answer an HTTP event before it
retries, so the acknowledgement must not wait for the model. A running govbot (SQLite) gets signed
`app_mention` events and `/govbot` commands while the fake model takes `--model-seconds` per answer;
the table shows how long the HTTP acknowledgement took, and how long until the answer reached Slack.

Rerun:  .venv/bin/python benchmarks/slack_ack.py [--events 200] [--concurrency 20] [--model-seconds 2]
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

from bot.runtime import build_runtime  # noqa: E402
from bot.server import bound_port, start_server  # noqa: E402
from bot.settings import Settings  # noqa: E402
from tests.conftest import APP_YAML, FAKE_KEY_ENV, config_for_upstreams, shipped_config_data  # noqa: E402
from tests.fakes.openai_server import FakeOpenAI  # noqa: E402
from tests.fakes.slack_server import FakeSlack  # noqa: E402
from tests.integration.slack_support import block_texts, mention, send_event, send_form, slack_env, slash_command  # noqa: E402


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def measure(
    url: str, fake_slack: FakeSlack, kind: str, events: int, concurrency: int
) -> tuple[list[float], float]:
    """Send `events` requests of `kind`; the acknowledgement times (ms) and seconds until all were answered."""
    semaphore = asyncio.Semaphore(concurrency)
    acks: list[float] = []

    async def one(i: int) -> None:
        async with semaphore:
            if kind == "app_mention":
                sent = await send_event(url, mention(f"질문 {i}"))
            else:
                sent = await send_form(url, slash_command(f"질문 {i}", fake_slack.response_url(f"cmd{i}")))
            assert sent.status == 200, sent
            acks.append(sent.seconds * 1000)

    def answered() -> int:
        if kind == "app_mention":
            texts = [block_texts(c.args.get("blocks")) for c in fake_slack.called("chat.update")]
            return sum(1 for text in texts if "검토했습니다" in text and "작성 중" not in text)
        return sum(1 for r in fake_slack.responses if r["name"].startswith("cmd"))

    began = time.monotonic()
    await asyncio.gather(*[one(i) for i in range(events)])
    await fake_slack.wait_for(lambda: answered() >= events, timeout=600)
    return acks, time.monotonic() - began


async def run(events: int, concurrency: int, model_seconds: float, redis_url: str | None = None) -> list[tuple]:
    fake_openai = await FakeOpenAI(default_text="확인했습니다. 요청하신 내용을 검토했습니다.").start()
    fake_slack = await FakeSlack().start()
    fake_slack.users["U0TRAF0002"] = {
        "id": "U0TRAF0002",
        "profile": {"display_name": "김민수", "email": "kim.minsu@hanbit.go.kr"},
    }
    for _ in range(events * 2):
        fake_openai.reply_with("확인했습니다. 요청하신 내용을 검토했습니다.", delay=model_seconds)
    os.environ.update({FAKE_KEY_ENV: "sk-bench", **slack_env()})
    data = shipped_config_data()
    for department in data["departments"]:
        department["quota"] = {}  # measure the adapter, not the quota refusals
    config = config_for_upstreams(fake_openai.base_url, data=data)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            config=APP_YAML,
            database_url=f"sqlite+aiosqlite:///{tmp}/bench.db",
            port=0,
            slack_api_url=fake_slack.api_url,
            redis_url=redis_url,
        )
        runtime = await build_runtime(settings, environ=dict(os.environ), config=config, migrate=True)
        runner = await start_server(runtime, "127.0.0.1", 0)
        url = f"http://127.0.0.1:{bound_port(runner)}"
        rows = []
        try:
            for kind in ("app_mention", "/govbot question"):
                acks, answered = await measure(url, fake_slack, kind, events, concurrency)
                store = "SQLite + Redis claims" if redis_url else "SQLite"
                rows.append(
                    (
                        store,
                        kind,
                        events,
                        concurrency,
                        statistics.median(acks),
                        percentile(acks, 0.99),
                        max(acks),
                        answered,
                    )
                )
        finally:
            await runner.cleanup()
            await runtime.close()
            await fake_openai.stop()
            await fake_slack.stop()
    return rows


def report(rows: list[tuple], model_seconds: float) -> None:
    print(f"\nSlack acknowledgement while the model takes {model_seconds:.1f} s per answer (Slack's limit: 3000 ms)\n")
    print(
        "| event-id claims | request | count | concurrency | ack p50 ms | ack p99 ms | ack max ms | all answered after s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for store, kind, count, conc, p50, p99, worst, answered in rows:
        print(f"| {store} | {kind} | {count} | {conc} | {p50:.1f} | {p99:.1f} | {worst:.1f} | {answered:.1f} |")
    print(
        "\nRerun: .venv/bin/python benchmarks/slack_ack.py --events 200 --concurrency 20 --model-seconds 2 [--redis redis://127.0.0.1:6379/0]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--model-seconds", type=float, default=2.0)
    parser.add_argument("--redis", default=None, help="also measure with event-id claims in Redis (GOVBOT_REDIS_URL)")
    args = parser.parse_args()
    rows = asyncio.run(run(args.events, args.concurrency, args.model_seconds))
    if args.redis:
        rows += asyncio.run(run(args.events, args.concurrency, args.model_seconds, args.redis))
    report(rows, args.model_seconds)


if __name__ == "__main__":
    main()

"""govbot's OpenAI-compatible endpoint against LiteLLM's proxy: the same zero-latency fake upstream,
the same load, each with its filters on. Reports throughput, latency and what personal information
reached the upstream.

LiteLLM is installed only for this benchmark, in its own venv:
    python3 -m venv /tmp/litellm-venv && /tmp/litellm-venv/bin/pip install 'litellm[proxy]'
Its budgets need PostgreSQL through Prisma, whose engine download fails offline, so LiteLLM runs here
without budgets; govbot enforces its quotas (and audit) in every measured request.

Rerun:  .venv/bin/python benchmarks/endpoint_vs_litellm.py [--requests 1000] [--concurrency 20]
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

import aiohttp
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.store import Store  # noqa: E402
from tests.conftest import FAKE_KEY_ENV, shipped_config_data  # noqa: E402
from tests.support.serve import free_port, start_govbot_process, wait_healthy  # noqa: E402

LITELLM = Path(os.environ.get("LITELLM_VENV", "/tmp/litellm-venv")) / "bin" / "litellm"
PHONE, EMAIL, RRN = "010-2345-6789", "kim.minsu@hanbit.go.kr", "900101-1234568"
PROMPT = f"민원인 김민수 씨({PHONE}, {EMAIL}, 주민번호 {RRN.replace('-', ' - ')})가 불법주정차 단속 기준을 문의했습니다. 회신 초안을 써 주세요."
SAFE_PROMPT = "불법주정차 단속 기준과 과태료 부과 절차를 민원 회신용으로 정리해 주세요."


async def load(
    url: str, key: str, model: str, requests: int, concurrency: int, prompt: str
) -> tuple[list[float], dict[int, int], float]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    queue = iter(range(requests))

    async def worker(session: aiohttp.ClientSession) -> None:
        for _ in queue:
            started = time.perf_counter()
            async with session.post(
                url + "/v1/chat/completions",
                json={"model": model, "messages": [{"role": "user", "content": prompt}], "max_tokens": 50},
                headers={"Authorization": f"Bearer {key}"},
            ) as response:
                await response.read()
                statuses[response.status] = statuses.get(response.status, 0) + 1
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:
        await asyncio.gather(*[worker(session) for _ in range(concurrency)])
    return latencies, statuses, time.perf_counter() - started


async def leaked_values(fake_url: str) -> list[str]:
    """Which of the personal values the upstream received since it was last cleared."""
    async with aiohttp.ClientSession() as session:
        async with session.get(fake_url.removesuffix("/v1") + "/_received") as response:
            sent = json_text((await response.json())["requests"])
        async with session.delete(fake_url.removesuffix("/v1") + "/_received"):
            pass
    digits = "".join(ch for ch in sent if ch.isdigit())
    found = [name for name, value in (("phone", PHONE), ("e-mail", EMAIL)) if value in sent]
    found += ["RRN"] if RRN.replace("-", "") in digits else []
    found += ["name"] if "김민수" in sent else []
    return found


def json_text(requests: list[dict]) -> str:
    return "\n".join(m.get("content") or "" for r in requests for m in r.get("messages", []))


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args()
    if not LITELLM.exists():
        print(f"LiteLLM not found at {LITELLM}; install it as the docstring says. Only govbot is measured.")
    processes: list[asyncio.subprocess.Process] = []
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        fake_port = free_port()
        processes.append(
            await asyncio.create_subprocess_exec(
                sys.executable, "-m", "tests.fakes.openai_server", "--port", str(fake_port), cwd=ROOT
            )
        )
        fake_url = f"http://127.0.0.1:{fake_port}/v1"
        await asyncio.sleep(1.5)

        # govbot
        data = shipped_config_data()
        data["providers"] = [
            {"id": "fake", "kind": "openai", "base_url": fake_url, "api_key_env": FAKE_KEY_ENV, "max_retries": 0}
        ]
        data["models"] = {"default": [{"provider": "fake", "model": "fake-model"}]}
        for department in data["departments"]:
            department["quota"] = {"tokens_per_day": 10**12, "tokens_per_month": 10**12}
        (work / "app.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        db = f"sqlite+aiosqlite:///{work}/bench.db"
        env = {
            **os.environ,
            "GOVBOT_CONFIG": str(work / "app.yaml"),
            "GOVBOT_DATABASE_URL": db,
            "GOVBOT_LOG_LEVEL": "WARNING",
            FAKE_KEY_ENV: "sk-bench",
        }
        govbot_url, govbot = await start_govbot_process(env, cwd=ROOT)
        processes.append(govbot)
        await wait_healthy(govbot_url, govbot)
        store = await Store.open(db)
        key, _ = await store.keys.create("traffic", "bench", "park.jiyoung")
        await store.close()
        targets = [("govbot", govbot_url, key, "default")]

        if LITELLM.exists():
            config = {
                "model_list": [
                    {
                        "model_name": "default",
                        "litellm_params": {"model": "openai/fake-model", "api_base": fake_url, "api_key": "sk-bench"},
                    }
                ],
                "general_settings": {"master_key": "sk-litellm-bench"},
                "guardrails": [
                    {
                        "guardrail_name": "content-filter",
                        "litellm_params": {
                            "guardrail": "litellm_content_filter",
                            "mode": "pre_call",
                            "default_on": True,
                            "patterns": [
                                {"pattern_type": "prebuilt", "pattern_name": "email", "action": "MASK"},
                                {"pattern_type": "prebuilt", "pattern_name": "credit_card", "action": "MASK"},
                                {
                                    "pattern_type": "regex",
                                    "name": "kr_mobile",
                                    "pattern": r"01[016789]-?\d{3,4}-?\d{4}",
                                    "action": "MASK",
                                },
                                {
                                    "pattern_type": "regex",
                                    "name": "kr_rrn",
                                    "pattern": r"\d{6}-?[1-8]\d{6}",
                                    "action": "BLOCK",
                                },
                            ],
                            "blocked_words": [{"keyword": "시발", "action": "BLOCK"}],
                        },
                    }
                ],
            }
            (work / "litellm.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
            litellm_port = free_port()
            processes.append(
                await asyncio.create_subprocess_exec(
                    str(LITELLM),
                    "--config",
                    str(work / "litellm.yaml"),
                    "--port",
                    str(litellm_port),
                    "--host",
                    "127.0.0.1",
                    "--num_workers",
                    "1",
                    env={
                        **os.environ,
                        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
                        "LITELLM_LOG": "ERROR",
                        "DISABLE_SCHEMA_UPDATE": "true",
                    },
                    stdout=asyncio.subprocess.DEVNULL,
                    stderr=open(work / "litellm.err", "w"),  # noqa: SIM115 - the process owns it until the round ends
                )
            )
            litellm_url = f"http://127.0.0.1:{litellm_port}"
            try:
                await wait_healthy(litellm_url, processes[-1], 120, path="/health/liveliness")
                targets.append(("LiteLLM proxy", litellm_url, "sk-litellm-bench", "default"))
            except Exception as error:  # noqa: BLE001
                print(f"LiteLLM did not start: {error}\n{(work / 'litellm.err').read_text()[-2000:]}")

        for name, url, token, model in targets:
            await load(url, token, model, 50, 5, SAFE_PROMPT)  # warm-up
            latencies, statuses, seconds = await load(url, token, model, args.requests, args.concurrency, SAFE_PROMPT)
            rows.append((name, latencies, statuses, seconds))
        leaks = {}
        await leaked_values(fake_url)
        for name, url, token, model in targets:
            _, statuses, _ = await load(url, token, model, 1, 1, PROMPT)
            leaks[name] = (statuses, await leaked_values(fake_url))
        for process in processes:
            process.terminate()
            await process.wait()
    print(
        f"\n{args.requests} requests, concurrency {args.concurrency}, zero-latency upstream, 2 cores shared by client, proxies and upstream"
    )
    print("| proxy | requests/s | p50 ms | p99 ms | statuses |")
    print("|---|---|---|---|---|")
    base = None
    for name, latencies, statuses, seconds in rows:
        rate = len(latencies) / seconds
        base = base or rate
        ordered = sorted(latencies)
        print(
            f"| {name} | {rate:.0f} ({rate / base:.2f}×) | {statistics.median(latencies):.1f} | {ordered[int(0.99 * len(ordered)) - 1]:.1f} | {statuses} |"
        )
    print("\nOne prompt with a name, a phone number, an e-mail and a spaced resident registration number:")
    print("| proxy | status | personal values the upstream received |")
    print("|---|---|---|")
    for name, (statuses, leaked) in leaks.items():
        print(f"| {name} | {statuses} | {', '.join(leaked) or 'none'} |")
    print("rerun: .venv/bin/python benchmarks/endpoint_vs_litellm.py --requests 1000 --concurrency 20")


if __name__ == "__main__":
    asyncio.run(main())

"""Gateway overhead: the latency the stages add on top of a zero-latency provider, for a 2 KB Korean
prompt (with a name, phone numbers and e-mail addresses to mask), p50 and p99. Rows: the policy stages
alone (authorise, personal-information masking, prohibited words; no storage), and the full production
stage list on SQLite and on PostgreSQL: quota reservation in one transaction, then settlement, usage
row and audit record together in one closing transaction (real databases).

Rerun:  .venv/bin/python benchmarks/gateway_overhead.py [--calls 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.gateway.factory import build_stages  # noqa: E402
from bot.gateway.pipeline import Gateway  # noqa: E402
from bot.gateway.providers.router import ModelRouter, Target  # noqa: E402
from bot.gateway.types import ChatMessage, Finished, GatewayCall, GatewayRequest, StreamEvent, TextDelta, Usage  # noqa: E402
from bot.quota.service import QuotaService  # noqa: E402
from bot.store import Store  # noqa: E402
from tests.conftest import offline_config  # noqa: E402

PROMPT = (
    "한빛구 교통행정과입니다. 전동킥보드 방치 민원이 최근 한 달 사이 크게 늘었습니다. 민원인 김민수 씨(010-2345-6789)는 "
    "어린이보호구역 앞 보도에 킥보드가 넘어져 있어 아이가 다칠 뻔했다고 신고했습니다. 담당자 회신은 kim.minsu@hanbit.go.kr 로 "
    "부탁드립니다. 관련 법령과 조치 방안을 정리해 주세요. "
) * 6  # ≈ 2 KB of UTF-8


class ZeroLatency:
    id, max_retries = "zero", 0

    async def open(self, model: str, call: GatewayCall) -> AsyncIterator[StreamEvent]:
        return self._events()

    async def _events(self) -> AsyncIterator[StreamEvent]:
        yield TextDelta("확인했습니다.")
        yield Finished(Usage(500, 5), "zero", "zero-model", "stop")


def request() -> GatewayRequest:
    return GatewayRequest(
        "traffic",
        "kim.minsu",
        [ChatMessage("system", "도우미입니다."), ChatMessage("user", PROMPT)],
        max_output_tokens=200,
    )


async def timed(gateway: Gateway, calls: int) -> list[float]:
    for _ in range(50):  # warm-up
        await gateway.complete(request())
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        await gateway.complete(request())
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    print(f"prompt: {len(PROMPT.encode())} bytes UTF-8; calls per row: {args.calls}")
    config = offline_config()
    raw = config.model_dump(mode="json")
    for department in raw["departments"]:
        department["quota"] = {"tokens_per_day": 10**12, "tokens_per_month": 10**12, "requests_per_day": 10**9}
    config = type(config).model_validate(raw)
    router = ModelRouter({"default": [Target(ZeroLatency(), "zero-model")]})
    baseline = await timed(Gateway([], router), args.calls)
    base50 = statistics.median(baseline)
    rows = [("provider call alone (baseline)", baseline)]
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = await Store.open(f"sqlite+aiosqlite:///{tmp}/bench.db", migrate=True)
        stages = build_stages(config, sqlite, QuotaService(config, sqlite.quota))
        storage_free = [s for s in stages if s.name not in ("audit", "quota", "record_usage")]
        rows.append(
            (
                f"policy stages only: {', '.join(s.name for s in storage_free)}",
                await timed(Gateway(storage_free, router), args.calls),
            )
        )
        rows.append(("all stages, SQLite", await timed(Gateway(stages, router), args.calls)))
        await sqlite.close()
    schema = f"govbot_bench_{uuid.uuid4().hex[:8]}"
    try:
        import asyncpg

        connection = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/test")
        await connection.execute(f'CREATE SCHEMA "{schema}"')
        pg = await Store.open("postgresql+asyncpg://postgres@127.0.0.1:5432/test", schema=schema, migrate=True)
        rows.append(
            (
                "all stages, PostgreSQL",
                await timed(Gateway(build_stages(config, pg, QuotaService(config, pg.quota)), router), args.calls),
            )
        )
        await pg.close()
        await connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await connection.close()
    except OSError as error:
        print(f"PostgreSQL row skipped: {error}")
    print("\n| path | p50 ms | p99 ms | added p50 ms | added p99 ms |")
    print("|---|---|---|---|---|")
    for name, samples in rows:
        print(
            f"| {name} | {pct(samples, 0.5):.3f} | {pct(samples, 0.99):.3f} | {pct(samples, 0.5) - base50:.3f} | {pct(samples, 0.99) - base50:.3f} |"
        )
    print("\nrerun: .venv/bin/python benchmarks/gateway_overhead.py --calls 2000")


if __name__ == "__main__":
    asyncio.run(main())

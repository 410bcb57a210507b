"""Quota under concurrency: two real `govbot serve` processes, 100 concurrent requests each through
the OpenAI-compatible endpoint, against a department budget that allows exactly N requests, on SQLite
and on PostgreSQL. The claim: exactly N are served, zero tokens over budget.

Rerun:  .venv/bin/python benchmarks/quota_concurrency.py [--per-process 100] [--budget 37]
(PostgreSQL at 127.0.0.1:5432, database `test`; its row is skipped with the reason if unreachable.)
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.quota_race import race  # noqa: E402

PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


async def postgres_schema() -> str | None:
    import asyncpg

    try:
        connection = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/test")
    except Exception as error:  # noqa: BLE001
        print(f"PostgreSQL skipped: {error}")
        return None
    schema = f"govbot_bench_{uuid.uuid4().hex[:8]}"
    await connection.execute(f'CREATE SCHEMA "{schema}"')
    await connection.close()
    return schema


async def drop_schema(schema: str) -> None:
    import asyncpg

    connection = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/test")
    await connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    await connection.close()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-process", type=int, default=100)
    parser.add_argument("--budget", type=int, default=37)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("SQLite", "PostgreSQL"):
            for budget_tokens in (None, args.budget * 18):
                work = Path(tmp) / f"{name}-{budget_tokens}"
                work.mkdir()
                schema = None
                if name == "SQLite":
                    url = f"sqlite+aiosqlite:///{work}/race.db"
                else:
                    schema = await postgres_schema()
                    if schema is None:
                        continue
                    url = PG
                try:
                    # With a token budget, requests also must fit their reservation (prompt + max_tokens 50).
                    result = await race(
                        work,
                        url,
                        schema,
                        budget_requests=args.budget if budget_tokens is None else 10_000,
                        per_process=args.per_process,
                        budget_tokens=budget_tokens,
                    )
                finally:
                    if schema:
                        await drop_schema(schema)
                rows.append((name, result))
    print(
        "\n| store | budget | attempted | served | refused (429) | errors | upstream calls | tokens used | tokens over budget | seconds |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, r in rows:
        budget = f"{r.budget_requests} requests" if r.budget_tokens is None else f"{r.budget_tokens:,} tokens"
        print(
            f"| {name} | {budget} | {r.attempted} | {r.served} | {r.refused} | {r.other_errors} | {r.upstream_calls} | {r.tokens_used:,} | {r.tokens_over_budget} | {r.seconds:.1f} |"
        )
    print("\nrerun: .venv/bin/python benchmarks/quota_concurrency.py --per-process 100 --budget 37")


if __name__ == "__main__":
    asyncio.run(main())

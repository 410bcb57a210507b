"""govbot's OpenAI-compatible endpoint against LiteLLM's proxy, on the same fast fake upstream.

Method (issue #15): every server under test is pinned to CPU 0 (`taskset -c 0`); the load generator (this
process) and the fake upstream run on CPU 1. Targets are measured in interleaved rounds (at least 3), the
order rotating each round, so a noisy neighbour on this shared machine hits every target alike. Each round
measures, for concurrency 1, 10 and 50, streamed and not: the upstream called directly (the baseline), govbot
on SQLite, govbot on PostgreSQL, two govbot processes sharing PostgreSQL + Redis (each request goes to the next
process in turn, like a round-robin balancer; both pinned to the CPUs of --pair-cpus, CPU 0 by default, so they
share the one core the single process has: their CPU per request and requests/s against one process show what a
second process costs and gains when cores are the limit; on this 2-core machine a second core for the servers
would be the load generator's), and LiteLLM (content filter on). Reported per target: requests/s, p50/p99
end to end, added latency against the baseline of the same round and shape (p50 minus the baseline's p50, p99
minus the baseline's p99), and server CPU per request from /proc/<pid>/stat (user + system time of all the
server's threads across the run, divided by the requests). Numbers are medians over the rounds.

LiteLLM is installed only for this benchmark, in its own venv outside the repository:
    python3 -m venv /tmp/litellm-venv && /tmp/litellm-venv/bin/pip install 'litellm[proxy]'
Its budgets need PostgreSQL through Prisma, whose engine download fails offline, so LiteLLM runs here
without budgets; govbot enforces its quotas and writes its audit record in every measured request.

Rerun:  .venv/bin/python benchmarks/endpoint_vs_litellm.py [--rounds 3] [--requests 400] [--no-litellm] [--no-postgres]
        [--no-pair] [--pair-cpus 0] [--shapes 1:no,10:yes]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.store import Store  # noqa: E402
from tests.conftest import FAKE_KEY_ENV, PG_URL, shipped_config_data  # noqa: E402
from tests.support.serve import free_port, wait_healthy  # noqa: E402

LITELLM = Path(os.environ.get("LITELLM_VENV", "/tmp/litellm-venv")) / "bin" / "litellm"
PHONE, EMAIL, RRN = "010-2345-6789", "kim.minsu@hanbit.go.kr", "900101-1234568"
PROMPT = f"민원인 김민수 씨({PHONE}, {EMAIL}, 주민번호 {RRN.replace('-', ' - ')})가 불법주정차 단속 기준을 문의했습니다. 회신 초안을 써 주세요."
SAFE_PROMPT = "불법주정차 단속 기준과 과태료 부과 절차를 민원 회신용으로 정리해 주세요."
SERVER_CPU, LOAD_CPU = "0", "1"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SHAPES = [(c, s) for s in (False, True) for c in (1, 10, 50)]
DIRECT = "upstream directly"
PAIR = "govbot 2 processes PostgreSQL + Redis"
REDIS_URL = os.environ.get("GOVBOT_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


@dataclass
class Target:
    name: str
    url: str  # base, without /v1
    token: str
    model: str
    pid: int | None  # the server process whose CPU is counted (None: the upstream itself)
    more: list[tuple[str, int]] = field(default_factory=list)  # further processes (url, pid): requests alternate

    @property
    def urls(self) -> list[str]:
        return [self.url, *(url for url, _ in self.more)]

    @property
    def pids(self) -> list[int]:
        return ([self.pid] if self.pid else []) + [pid for _, pid in self.more]


@dataclass
class Run:
    rate: float
    p50: float
    p99: float
    cpu_ms: float | None
    errors: int


@dataclass
class Results:
    runs: dict[tuple[str, int, bool], list[Run]] = field(default_factory=dict)
    added: dict[tuple[str, int, bool], list[tuple[float, float]]] = field(default_factory=dict)


def cpu_seconds(pid: int) -> float:
    """User + system time of the process (all its threads) so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def resident_mb(pid: int) -> float:
    """VmRSS from /proc/<pid>/status ('VmRSS:\t  123456 kB': the value is padded with spaces)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


async def load(target: Target, requests: int, concurrency: int, stream: bool, prompt: str = SAFE_PROMPT) -> Run:
    latencies: list[float] = []
    errors = 0
    queue = iter(range(requests))
    urls = [url + "/v1/chat/completions" for url in target.urls]
    body = {"model": target.model, "messages": [{"role": "user", "content": prompt}], "max_tokens": 50}
    if stream:
        body.update(stream=True, stream_options={"include_usage": True})
    headers = {"Authorization": f"Bearer {target.token}"}

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal errors
        for number in queue:
            started = time.perf_counter()
            async with session.post(urls[number % len(urls)], json=body, headers=headers) as response:
                payload = await response.read()
                if response.status != 200 or (stream and b"[DONE]" not in payload):
                    errors += 1
            latencies.append((time.perf_counter() - started) * 1000)

    cpu_before = sum(cpu_seconds(pid) for pid in target.pids)
    started = time.perf_counter()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:
        await asyncio.gather(*[worker(session) for _ in range(concurrency)])
    seconds = time.perf_counter() - started
    cpu_ms = (sum(cpu_seconds(pid) for pid in target.pids) - cpu_before) * 1000 / requests if target.pids else None
    return Run(requests / seconds, percentile(latencies, 0.5), percentile(latencies, 0.99), cpu_ms, errors)


async def leaked_values(upstream: str) -> list[str]:
    """Which of the personal values the upstream received since it was last cleared."""
    async with aiohttp.ClientSession() as session:
        async with session.get(upstream + "/_received") as response:
            sent = "\n".join(
                m.get("content") or "" for r in (await response.json())["requests"] for m in r.get("messages", [])
            )
        async with session.delete(upstream + "/_received"):
            pass
    digits = "".join(ch for ch in sent if ch.isdigit())
    found = [name for name, value in (("phone", PHONE), ("e-mail", EMAIL)) if value in sent]
    found += ["RRN"] if RRN.replace("-", "") in digits else []
    found += ["name"] if "김민수" in sent else []
    return found


async def forget(upstream: str) -> None:
    """The fake keeps every request it received; drop them between runs so its memory stays flat."""
    async with aiohttp.ClientSession() as session, session.delete(upstream + "/_received"):
        pass


async def pinned(
    *command: str, env: dict[str, str], cpu: str, log: Path | None = None, cwd: Path = ROOT
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        "taskset",
        "-c",
        cpu,
        *command,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=open(log, "w") if log else asyncio.subprocess.DEVNULL,  # noqa: SIM115 - owned by the child
    )


async def start_govbot(
    work: Path,
    upstream: str,
    name: str,
    database_url: str,
    schema: str | None,
    *,
    processes: int = 1,
    redis_url: str | None = None,
    cpu: str = SERVER_CPU,
    tree: Path = ROOT,
) -> Target:
    """`processes` serve processes of one installation (one database, one Redis prefix, one audit key), run from the
    checkout `tree` (another checkout: the code before a change, measured in the same rounds)."""
    data = shipped_config_data()
    data["providers"] = [
        {"id": "fake", "kind": "openai", "base_url": upstream + "/v1", "api_key_env": FAKE_KEY_ENV, "max_retries": 0}
    ]
    data["models"] = {"default": [{"provider": "fake", "model": "fake-model"}]}
    for department in data["departments"]:
        department["quota"] = {"tokens_per_day": 10**12, "tokens_per_month": 10**12}
    config = work / f"{name}.yaml"
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    store = await Store.open(database_url, schema=schema, migrate=True)
    key, _ = await store.keys.create("traffic", "bench", "park.jiyoung")
    await store.close()
    env = {
        **os.environ,
        "GOVBOT_CONFIG": str(config),
        "GOVBOT_DATABASE_URL": database_url,
        "GOVBOT_LOG_LEVEL": "WARNING",
        FAKE_KEY_ENV: "sk-bench",
    }
    if schema:
        env["GOVBOT_DATABASE_SCHEMA"] = schema
    if redis_url:
        env.update(GOVBOT_REDIS_URL=redis_url, GOVBOT_REDIS_PREFIX=f"govbot-bench-{uuid.uuid4().hex[:8]}:")
    served: list[tuple[str, int]] = []
    for index in range(processes):
        port = free_port()
        log = work / f"{name}-{index}.err"
        command = (sys.executable, "-m", "bot.cli", "serve")
        process = await pinned(*command, env={**env, "GOVBOT_PORT": str(port)}, cpu=cpu, log=log, cwd=tree)
        url = f"http://127.0.0.1:{port}"
        served.append((url, process.pid))
        try:
            await wait_healthy(url, process, 300)  # imports take over a minute on the loaded shared machine
        except Exception:
            print(log.read_text()[-3000:])
            raise
    (url, pid), *more = served
    return Target(name, url, key, "default", pid, more)


def litellm_config(upstream: str) -> dict:
    return {
        "model_list": [
            {
                "model_name": "default",
                "litellm_params": {"model": "openai/fake-model", "api_base": upstream + "/v1", "api_key": "sk-bench"},
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
                        {"pattern_type": "regex", "name": "kr_rrn", "pattern": r"\d{6}-?[1-8]\d{6}", "action": "BLOCK"},
                    ],
                    "blocked_words": [{"keyword": "시발", "action": "BLOCK"}],
                },
            }
        ],
    }


async def start_litellm(work: Path, upstream: str) -> tuple[Target | None, asyncio.subprocess.Process | None]:
    (work / "litellm.yaml").write_text(yaml.safe_dump(litellm_config(upstream), allow_unicode=True), encoding="utf-8")
    port = free_port()
    env = {
        **os.environ,
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        "LITELLM_LOG": "ERROR",
        "DISABLE_SCHEMA_UPDATE": "true",
    }
    command = [str(LITELLM), "--config", str(work / "litellm.yaml"), "--port", str(port), "--host", "127.0.0.1"]
    process = await pinned(*command, "--num_workers", "1", env=env, cpu=SERVER_CPU, log=work / "litellm.err")
    url = f"http://127.0.0.1:{port}"
    try:
        await wait_healthy(url, process, 300, path="/health/liveliness")
    except Exception as error:  # noqa: BLE001
        print(f"LiteLLM did not start: {error}\n{(work / 'litellm.err').read_text()[-2000:]}")
        return None, process
    return Target("LiteLLM proxy", url, "sk-litellm-bench", "default", process.pid), process


async def create_schema() -> str:
    import asyncpg

    schema = f"bench_speed_{uuid.uuid4().hex[:8]}"
    connection = await asyncpg.connect(PG_URL.replace("+asyncpg", ""))
    await connection.execute(f'CREATE SCHEMA "{schema}"')
    await connection.close()
    return schema


async def drop_schema(schema: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(PG_URL.replace("+asyncpg", ""))
    await connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    await connection.close()


def fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def report(results: Results, targets: list[Target], rounds: int, requests: int, rss: dict[str, float]) -> None:
    print(
        f"\n{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: {rounds} interleaved rounds (order rotating), "
        f"{requests} requests per run, servers on CPU {SERVER_CPU}, load + upstream on CPU {LOAD_CPU}; medians over rounds."
    )
    print("Added = target minus the upstream called directly in the same round and shape (p50-p50, p99-p99).\n")
    print(
        "| concurrency | stream | target | requests/s | ×LiteLLM | p50 ms | p99 ms | added p50 | added p99 | server CPU ms/request |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for concurrency, stream in SHAPES:
        litellm = results.runs.get(("LiteLLM proxy", concurrency, stream))
        base_rate = statistics.median(r.rate for r in litellm) if litellm else None
        for target in targets:
            runs = results.runs.get((target.name, concurrency, stream))
            if not runs:
                continue
            rate = statistics.median(r.rate for r in runs)
            added = results.added.get((target.name, concurrency, stream))
            cpu = [r.cpu_ms for r in runs if r.cpu_ms is not None]
            errors = sum(r.errors for r in runs)
            print(
                f"| {concurrency} | {'yes' if stream else 'no'} | {target.name}{f' ({errors} errors)' if errors else ''} "
                f"| {rate:.0f} | {fmt(rate / base_rate if base_rate else None, 2)} "
                f"| {statistics.median(r.p50 for r in runs):.1f} | {statistics.median(r.p99 for r in runs):.1f} "
                f"| {fmt(statistics.median(a[0] for a in added) if added else None, 2)} "
                f"| {fmt(statistics.median(a[1] for a in added) if added else None, 2)} "
                f"| {fmt(statistics.median(cpu) if cpu else None, 2)} |"
            )
    print(
        "\nRatios (medians over rounds), per shape: requests/s and server CPU per request of one target against another.\n"
    )
    print("| concurrency | stream | ratio | requests/s | CPU/request |")
    print("|---|---|---|---|---|")
    pairs = [
        ("govbot PostgreSQL", "govbot SQLite", "PostgreSQL ÷ SQLite"),
        (PAIR, "govbot PostgreSQL", "2 processes ÷ 1 (PostgreSQL)"),
        ("govbot SQLite", "LiteLLM proxy", "govbot SQLite ÷ LiteLLM"),
        ("govbot PostgreSQL", "LiteLLM proxy", "govbot PostgreSQL ÷ LiteLLM"),
        ("govbot SQLite", "baseline SQLite", "SQLite ÷ baseline"),
        ("govbot PostgreSQL", "baseline PostgreSQL", "PostgreSQL ÷ baseline"),
    ]
    for concurrency, stream in SHAPES:
        for top, bottom, label in pairs:
            a, b = results.runs.get((top, concurrency, stream)), results.runs.get((bottom, concurrency, stream))
            if not a or not b:
                continue
            rate = statistics.median(r.rate for r in a) / statistics.median(r.rate for r in b)
            cpu_a = [r.cpu_ms for r in a if r.cpu_ms is not None]
            cpu_b = [r.cpu_ms for r in b if r.cpu_ms is not None]
            cpu = statistics.median(cpu_a) / statistics.median(cpu_b) if cpu_a and cpu_b else None
            print(f"| {concurrency} | {'yes' if stream else 'no'} | {label} | {rate:.2f} | {fmt(cpu, 2)} |")
    print("\nResident memory at the end (VmRSS): " + ", ".join(f"{name} {mb:.0f} MB" for name, mb in rss.items()))


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--no-litellm", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-pair", action="store_true", help="leave out the two processes on PostgreSQL + Redis")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another checkout (e.g. `git archive <commit>` unpacked): its govbot on SQLite and PostgreSQL join the rounds",
    )
    parser.add_argument("--pair-cpus", default=SERVER_CPU, help="CPUs of the two processes (taskset list)")
    parser.add_argument("--shapes", default="", help="e.g. 10:no,50:yes (default: 1, 10, 50 × streamed or not)")
    args = parser.parse_args()
    shapes = SHAPES
    if args.shapes:
        shapes = [(int(c), s == "yes") for c, s in (item.split(":") for item in args.shapes.split(","))]
    os.sched_setaffinity(0, {int(LOAD_CPU)})
    processes: list[asyncio.subprocess.Process] = []
    schema: str | None = None
    schemas: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        try:
            port = free_port()
            upstream_command = [sys.executable, "-m", "tests.fakes.openai_server", "--port", str(port)]
            processes.append(await pinned(*upstream_command, env=dict(os.environ), cpu=LOAD_CPU))
            upstream = f"http://127.0.0.1:{port}"
            await wait_healthy(upstream, processes[-1], path="/_received")
            targets = [Target(DIRECT, upstream, "sk-bench", "fake-model", None)]
            targets.append(
                await start_govbot(work, upstream, "govbot SQLite", f"sqlite+aiosqlite:///{work}/bench.db", None)
            )
            if not args.no_postgres:
                schema = await create_schema()
                targets.append(await start_govbot(work, upstream, "govbot PostgreSQL", PG_URL, schema))
                if not args.no_pair:
                    pair_schema = await create_schema()
                    schemas.append(pair_schema)
                    pair = await start_govbot(
                        work, upstream, PAIR, PG_URL, pair_schema, processes=2, redis_url=REDIS_URL, cpu=args.pair_cpus
                    )
                    targets.append(pair)
            if args.baseline:
                base = args.baseline.resolve()
                baseline_db = f"sqlite+aiosqlite:///{work}/baseline.db"
                targets.append(await start_govbot(work, upstream, "baseline SQLite", baseline_db, None, tree=base))
                if not args.no_postgres:
                    schemas.append(await create_schema())
                    targets.append(
                        await start_govbot(work, upstream, "baseline PostgreSQL", PG_URL, schemas[-1], tree=base)
                    )
            if not args.no_litellm:
                if LITELLM.exists():
                    target, process = await start_litellm(work, upstream)
                    processes += [process] if process else []
                    targets += [target] if target else []
                else:
                    print(f"LiteLLM not found at {LITELLM}; install it as the docstring says. Measuring without it.")
            for target in targets:
                processes += []  # govbot processes are tracked through their pid below
                await load(target, 100, 5, False)  # warm-up
                await load(target, 50, 5, True)
            results = Results()
            for round_number in range(args.rounds):
                order = targets[round_number % len(targets) :] + targets[: round_number % len(targets)]
                for concurrency, stream in shapes:
                    direct: Run | None = None
                    measured: dict[str, Run] = {}
                    for target in order:
                        run = await load(target, args.requests, concurrency, stream)
                        await forget(upstream)
                        results.runs.setdefault((target.name, concurrency, stream), []).append(run)
                        measured[target.name] = run
                        if target.name == DIRECT:
                            direct = run
                    assert direct is not None
                    for name, run in measured.items():
                        added = (run.p50 - direct.p50, run.p99 - direct.p99)
                        results.added.setdefault((name, concurrency, stream), []).append(added)
                print(f"round {round_number + 1}/{args.rounds} done", flush=True)
            rss = {t.name: sum(resident_mb(pid) for pid in t.pids) for t in targets if t.pids}
            await forget(upstream)
            leaks = {}
            for target in targets[1:]:
                run = await load(target, 1, 1, False, PROMPT)
                leaks[target.name] = (run.errors, await leaked_values(upstream))
            report(results, targets, args.rounds, args.requests, rss)
            print("\nOne prompt with a name, a phone number, an e-mail and a spaced resident registration number:")
            print("| target | refused | personal values the upstream received |")
            print("|---|---|---|")
            for name, (errors, leaked) in leaks.items():
                print(f"| {name} | {'yes' if errors else 'no'} | {', '.join(leaked) or 'none'} |")
            print(f"\nrerun: .venv/bin/python benchmarks/endpoint_vs_litellm.py {' '.join(sys.argv[1:])}")
        finally:
            for target_pid in [pid for t in locals().get("targets", []) for pid in t.pids]:
                try:
                    os.kill(target_pid, 15)
                except ProcessLookupError:
                    pass
            for process in processes:
                if process.returncode is None:
                    process.terminate()
                await process.wait()
            for dropped in [schema, *schemas]:
                if dropped:
                    await drop_schema(dropped)


if __name__ == "__main__":
    asyncio.run(main())

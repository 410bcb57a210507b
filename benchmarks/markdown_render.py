"""Rendering a reply's Markdown: the hand-written parsers before issue 12 against parse-once (bot/markdown).

The old Slack and Teams renderers are read from git at `--before` (the commit before the change) and loaded
beside the new ones. Each round renders every variant once, interleaved, on a fresh `Reply` (so the new
code pays for its one parse) and reports CPU time (time.process_time) per render: the median over rounds.
The answer is generated Korean Markdown as models write it (headings, bold, links, nested lists, tables,
code, quotes). "new, parsed" renders a reply whose document was already parsed (the parse is shared when
a reply goes to several places, and runs in a worker thread for long replies, see OFF_LOOP_CHARS).

Rerun:  .venv/bin/python benchmarks/markdown_render.py [--chars 20000] [--rounds 30] [--before 850838a]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from adapters.slack.render import render_reply  # noqa: E402
from adapters.teams.cards import reply_card  # noqa: E402
from adapters.web.render import markdown_html  # noqa: E402
from bot.conversation import Reply  # noqa: E402
from bot.markdown import parse  # noqa: E402


def answer(chars: int) -> str:
    """Korean Markdown of about `chars` characters, shaped like a model's long answer."""
    paragraph = (
        "어린이보호구역 내 전동킥보드 **주차 금지** 구역을 안내합니다. 위반 시 `과태료 4만 원`이 부과되며, "
        "자세한 내용은 [한빛구청](https://hanbit.go.kr/notice?id=1&x=2)을 참고하세요. *참고*: 도로교통법 제32조."
    )
    blocks: list[str] = []
    number = 0
    while sum(map(len, blocks)) < chars:
        number += 1
        blocks += [f"## {number}. 단속 기준 안내", paragraph]
        blocks.append("- 첫째: 견인 **즉시**\n- 둘째: 보관소 이동\n  - 하위 항목 a < b & c\n1. 순서 하나\n2. 순서 둘")
        if number % 3 == 0:
            blocks.append("| 부서 | 건수 | 비고 |\n|---|---:|---|\n| 교통행정과 | 12 | **긴급** |\n| 도로과 | 3 | - |")
        if number % 4 == 0:
            blocks.append("```python\nif a < b:\n    print('**not bold**')\n```")
        if number % 5 == 0:
            blocks.append("> 민원인의 의견입니다.\n> 둘째 줄")
    return "\n\n".join(blocks)[:chars]


def old_module(name: str, path: str, before: str, replace: dict[str, str]) -> types.ModuleType:
    """A module's source at commit `before`, loaded under `name` (its imports of other old modules redirected)."""
    source = subprocess.run(["git", "show", f"{before}:{path}"], cwd=ROOT, capture_output=True, text=True, check=True)
    text = source.stdout
    for old, new in replace.items():
        text = text.replace(old, new)
    module = types.ModuleType(name)
    sys.modules[name] = module
    exec(compile(text, f"{before}:{path}", "exec"), module.__dict__)  # noqa: S102 (our own file from git)
    return module


def cpu_ms(function: Callable[[], object]) -> float:
    start = time.process_time()
    function()
    return (time.process_time() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chars", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--before", default="850838a", help="the commit with the old hand-written parsers")
    args = parser.parse_args()
    old_mrkdwn = old_module("old_mrkdwn", "adapters/slack/mrkdwn.py", args.before, {})
    old_slack = old_module(
        "old_slack_render", "adapters/slack/render.py", args.before, {"adapters.slack.mrkdwn": "old_mrkdwn"}
    )
    old_cards = old_module("old_cards", "adapters/teams/cards.py", args.before, {})
    del old_mrkdwn
    text = answer(args.chars)
    parsed = Reply(text, kind="answer")
    _ = parsed.document
    variants: dict[str, Callable[[], object]] = {
        "slack  old (regex lines)": lambda: old_slack.render_reply(Reply(text, kind="answer")),
        "slack  new (parse + render)": lambda: render_reply(Reply(text, kind="answer")),
        "slack  new, parsed": lambda: render_reply(parsed),
        "teams  old (regex + markdown-it tables)": lambda: old_cards.reply_card(Reply(text, kind="answer")),
        "teams  new (parse + render)": lambda: reply_card(Reply(text, kind="answer")),
        "teams  new, parsed": lambda: reply_card(parsed),
        "web    new (parse + HTML; old: in the browser)": lambda: markdown_html(Reply(text, kind="answer")),
        "parse only (markdown-it-py → model)": lambda: parse(text),
    }
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for function in variants.values():  # warm up (imports, regex compilation)
        function()
    for _ in range(args.rounds):
        for name, function in variants.items():  # interleaved: a busy moment hits every variant alike
            samples[name].append(cpu_ms(function))
    print(f"{len(text):,}-character Korean answer, {args.rounds} interleaved rounds, CPU ms per render (median, p90)")
    print(f"{'variant':48} {'median':>8} {'p90':>8}")
    for name, values in samples.items():
        ordered = sorted(values)
        p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
        print(f"{name:48} {statistics.median(values):8.1f} {p90:8.1f}")
    slack = statistics.median(samples["slack  new (parse + render)"]) / statistics.median(
        samples["slack  old (regex lines)"]
    )
    teams = statistics.median(samples["teams  new (parse + render)"]) / statistics.median(
        samples["teams  old (regex + markdown-it tables)"]
    )
    print(f"new/old: slack {slack:.2f}x, teams {teams:.2f}x")


if __name__ == "__main__":
    main()

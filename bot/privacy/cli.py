"""`govbot filter`: check a text for personal information before sharing it."""

from __future__ import annotations

import json
import sys

import typer

from bot.cli_support import out
from bot.privacy import LABELS_KO, PlaceholderVault

app = typer.Typer()


@app.command("filter")
def filter_text(
    as_json: bool = typer.Option(False, "--json", help="가린 글과 찾은 항목(type, start, end)을 JSON으로"),
) -> None:
    """표준 입력의 글에서 개인정보를 찾아 가립니다 / mask personal information in standard input."""
    text = sys.stdin.read()
    result = PlaceholderVault().mask(text, {})
    findings = [{"type": f.type, "start": f.start, "end": f.end} for f in result.findings]
    if as_json:
        sys.stdout.write(json.dumps({"masked": result.text, "findings": findings}, ensure_ascii=False) + "\n")
        return
    sys.stdout.write(result.text + ("" if result.text.endswith("\n") else "\n"))
    summary = (
        ", ".join(f"{LABELS_KO[kind]} {count}건" for kind, count in sorted(result.counts().items()))
        or "찾은 개인정보 없음"
    )
    out.print(f"[dim]{summary}[/dim]", highlight=False)

"""`govbot audit verify|export`."""

from __future__ import annotations

import csv
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import typer

from bot.cli_support import err, fail, out, with_store
from bot.store.audit_repository import EXPORT_FIELDS

app = typer.Typer(help="감사 기록 / audit trail", no_args_is_help=True)


@app.command()
def verify() -> None:
    """해시 체인을 검사해 수정·삭제된 기록을 찾습니다 (문제가 있으면 종료 코드 1) / verify the chain."""

    async def work(config, store):  # type: ignore[no-untyped-def]
        return await store.audit.verify()

    checked, problems = with_store(work)
    if problems:
        err.print(
            f"[bold red]감사 기록 {checked}건 중 문제 {len(problems)}건[/bold red] / {len(problems)} problem(s) in {checked} records:"
        )
        for problem in problems:
            err.print(f"  #{problem.seq} {problem.kind}: {problem.ko} / {problem.en}", highlight=False)
        raise typer.Exit(1)
    out.print(f"[green]감사 기록 {checked}건 모두 온전합니다[/green] / all {checked} records intact")


@app.command()
def export(
    since: str | None = typer.Option(None, "--since", help="YYYY-MM-DD"),
    format: str = typer.Option("jsonl", "--format", help="csv 또는 jsonl"),
    output: Path | None = typer.Option(None, "--out", help="파일 (생략하면 표준 출력)"),
) -> None:
    """감사 기록을 내보냅니다 / export records."""
    if format not in ("csv", "jsonl"):
        raise fail("--format 은 csv 또는 jsonl 입니다.", "--format must be csv or jsonl.")
    start = None
    if since:
        try:
            start = datetime.strptime(since, "%Y-%m-%d").replace(tzinfo=UTC)
        except ValueError:
            raise fail(f"날짜 형식이 아닙니다: {since} (예: 2026-11-01)", f"Not a date: {since}") from None

    async def work(config, store) -> int:  # type: ignore[no-untyped-def]
        handle = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
        count = 0
        try:
            writer = (
                csv.DictWriter(handle, fieldnames=EXPORT_FIELDS, extrasaction="ignore") if format == "csv" else None
            )
            if writer:
                writer.writeheader()
            async for row in store.audit.rows(start):
                row["created_at"] = row["created_at"].isoformat()
                if writer:
                    writer.writerow(row)
                else:
                    handle.write(json.dumps({k: row[k] for k in EXPORT_FIELDS}, ensure_ascii=False) + "\n")
                count += 1
        finally:
            if output:
                handle.close()
        return count

    count = with_store(work)
    err.print(f"{count}건 내보냄 / exported {count}")

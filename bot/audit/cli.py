"""`govbot audit verify|checkpoint|export`.

Exit codes scripts can rely on: 0 the chain is intact (and matches the checkpoint, if given); 1 tampering,
truncation or a key mismatch was found; 2 the command could not check (bad option, unreadable checkpoint
file, database not initialised, invalid key)."""

from __future__ import annotations

import csv
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import typer

from bot.audit.chain import Problem
from bot.audit.checkpoint import Checkpoint, CheckpointInvalid, parse_checkpoint
from bot.cli_support import err, fail, out, with_store
from bot.store.audit_repository import EXPORT_FIELDS

app = typer.Typer(help="감사 기록 / audit trail", no_args_is_help=True)


SHOWN_PROBLEMS = 20


@app.command()
def verify(
    against: Path | None = typer.Option(
        None, "--against", help="`audit checkpoint`로 보관한 확인점 파일 / a checkpoint file kept outside the database"
    ),
) -> None:
    """키로 서명된 체인을 검사해 수정·삭제·잘린 기록을 찾습니다 (문제가 있으면 종료 코드 1) / verify the chain."""
    checkpoint = _read_checkpoint(against) if against is not None else None

    async def work(config, store):
        return await store.audit.verify(checkpoint)

    checked, problems = with_store(work)
    if problems:
        _print_problems(checked, problems)
        raise typer.Exit(1)
    out.print(f"[green]감사 기록 {checked}건 모두 온전합니다[/green] / all {checked} records intact")
    if checkpoint is not None:
        out.print(
            f"[green]확인점({checkpoint.created_at}, {checkpoint.records}건) 이후 잘리거나 다시 쓰인 기록이 없습니다[/green]"
            f" / consistent with the checkpoint of {checkpoint.created_at} ({checkpoint.records} records)"
        )


@app.command()
def checkpoint(
    output: Path | None = typer.Option(
        None, "--out", help="저장할 파일 (기본: govbot-audit-checkpoint-<시각>.json) / file to write"
    ),
) -> None:
    """서명된 확인점(기록 수·머리 해시·시각)을 JSON 파일로 내보냅니다. 데이터베이스 밖에 보관하세요 / export a signed checkpoint."""

    async def work(config, store):
        return await store.audit.checkpoint()

    made, checked, problems = with_store(work)
    if made is None:
        _print_problems(checked, problems)
        err.print(
            "[red]문제가 있는 체인에는 확인점을 만들지 않습니다.[/red] / No checkpoint is signed for a chain with problems.",
            highlight=False,
        )
        raise typer.Exit(1)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = output or Path(f"govbot-audit-checkpoint-{stamp}.json")
    try:
        with path.open("x", encoding="utf-8") as handle:  # never overwrite an earlier checkpoint
            handle.write(made.to_json())
    except FileExistsError:
        raise fail(
            f"파일이 이미 있습니다: {path} (다른 이름을 주세요)", f"File exists: {path}; choose another name."
        ) from None
    except OSError as error:
        raise fail(
            f"파일을 쓸 수 없습니다: {path} ({error.strerror})", f"Cannot write {path}: {error.strerror}"
        ) from None
    out.print(
        f"[green]확인점을 저장했습니다[/green]: {path} — 기록 {made.records}건, {made.created_at}. "
        "데이터베이스와 다른 곳(예: 다른 서버, 오프라인 매체)에 보관하세요."
        f"\nCheckpoint written: {path} ({made.records} records). Keep it outside the database; "
        f"later run `govbot audit verify --against {path}`.",
        highlight=False,
    )


def _read_checkpoint(path: Path) -> Checkpoint:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise fail(
            f"확인점 파일을 읽을 수 없습니다: {path} ({error})", f"Cannot read the checkpoint file {path}."
        ) from None
    try:
        return parse_checkpoint(text)
    except CheckpointInvalid as error:
        raise fail(f"{error.ko} ({path})", f"{error.en} ({path})") from None


def _print_problems(checked: int, problems: list[Problem]) -> None:
    err.print(
        f"[bold red]감사 기록 {checked}건 중 문제 {len(problems)}건[/bold red] / {len(problems)} problem(s) in {checked} records:"
    )
    first = next((p for p in problems if p.seq > 0), problems[0])
    where = f"기록 {first.seq}번 / record {first.seq}" if first.seq > 0 else "확인점 / checkpoint"
    err.print(f"  처음 깨진 곳 / first broken: {where} ({first.kind})", highlight=False)
    for problem in problems[:SHOWN_PROBLEMS]:
        err.print(f"  #{problem.seq} {problem.kind}: {problem.ko} / {problem.en}", highlight=False)
    if len(problems) > SHOWN_PROBLEMS:
        rest = len(problems) - SHOWN_PROBLEMS
        err.print(f"  … 그 밖에 {rest}건 / and {rest} more", highlight=False)


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

    async def work(config, store) -> int:
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

"""`govbot complaints triage FILE`: the same triage as in chat, from a file, with a progress bar.

It runs without a model (cluster titles are keywords), reads app.yaml for synonyms, weights and
departments, and masks personal information under the office policy or a department's (--department).
With --model --by USER the connected model reads the masked complaints again with the rubric (model_read.py),
through the gateway: billed to USER's department and audited as in chat; a large run is confirmed first
(--yes skips the question).
"""

from __future__ import annotations

import gc
from datetime import datetime
from enum import Enum
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from assistants.skills.complaints.enrich import ModelHelper
from assistants.skills.complaints.export import csv_text, json_text, xlsx_bytes
from assistants.skills.complaints.model_read import estimate_note, outcome_note, plan, read_levels
from assistants.skills.complaints.nouns import KiwiNouns
from assistants.skills.complaints.parsing import parse_date, read_file
from assistants.skills.complaints.pipeline import TriageResult, rerank, triage
from assistants.skills.complaints.records import ComplaintList, UnreadableList
from assistants.skills.complaints.render import file_name, snippet
from assistants.skills.complaints.settings import ComplaintSettings
from assistants.skills.complaints.skill import ComplaintTriageSkill
from assistants.skills.complaints.topic import expand
from assistants.skills.registry import load_office_config
from bot.cli_support import err, fail, out, with_store
from bot.config import AppConfig, ConfigInvalid, section
from bot.documents import LimitExceeded
from bot.i18n import t
from bot.privacy.policy import pii_actions
from bot.settings import Settings
from bot.store import Store

app = typer.Typer(help="민원 목록 정리 / complaint triage", no_args_is_help=True)

_STAGES = {
    "mask": "개인정보 가리는 중 / masking",
    "features": "특징 추출 / features",
    "cluster": "묶는 중 / clustering",
    "score": "우선순위 / scoring",
}


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


@app.command("triage")
def triage_command(
    file: Path = typer.Argument(..., help="민원 목록 파일(CSV, TSV, XLSX, TXT) / complaint list"),
    topic: str | None = typer.Option(
        None, "--topic", "-t", help="이 주제의 민원만(예: 전동킥보드) / keep complaints about this topic"
    ),
    format: Format = typer.Option(Format.table, "--format", "-f", help="table | json | csv | xlsx"),
    out_path: Path | None = typer.Option(None, "--out", "-o", help="결과 파일 경로(xlsx는 필수 아님) / output file"),
    department: str | None = typer.Option(
        None, "--department", "-d", help="이 부서의 개인정보 정책 적용 / apply this department's PII policy"
    ),
    as_of: str | None = typer.Option(
        None,
        "--as-of",
        help="처리기한·최근 접수를 재는 기준 시각(기본: 목록의 마지막 접수일), 예: 2026-11-20T18:00"
        " / reference time for deadlines (default: the list's latest received date)",
    ),
    config_path: Path | None = typer.Option(None, "--config", "-c", help="app.yaml 경로"),
    max_rows: int = typer.Option(
        1_000_000, "--max-rows", min=1, help="읽을 최대 행 수(채팅은 app.yaml complaints.max_rows) / row limit"
    ),
    model: bool = typer.Option(
        False,
        "--model",
        help="연결된 모델이 기준표로 긴급도를 다시 읽음(게이트웨이 경유, 과금·감사) / re-read levels with the model",
    ),
    by: str | None = typer.Option(None, "--by", help="--model 호출을 요청한 공무원 ID / who the calls are billed to"),
    yes: bool = typer.Option(False, "--yes", "-y", help="큰 목록도 확인 없이 모델로 읽음 / skip the confirmation"),
) -> None:
    """민원 목록을 묶고 우선순위와 담당 부서를 정리합니다 / cluster, prioritise and route a complaint list."""
    try:
        config = load_office_config(config_path or Settings().config)
    except ConfigInvalid as error:
        raise fail(f"설정 오류가 있습니다: {error}", "app.yaml is invalid; run `govbot check-config`.") from None
    if department and config.department(department) is None:
        raise fail(f"없는 부서입니다: {department}", f"Unknown department: {department}")
    moment = _as_of(as_of)
    try:
        data = file.read_bytes()
    except OSError as error:
        raise fail(
            f"파일을 읽을 수 없습니다: {file} ({error.strerror})", f"Cannot read {file}: {error.strerror}"
        ) from None
    try:
        source = read_file(file.name, data, max_rows, Settings().document_limits())
    except UnreadableList as error:
        raise fail(error.ko, error.en) from None
    except LimitExceeded as error:
        raise fail(error.message("ko"), error.message("en")) from None
    for problem in source.problems:
        label = "[yellow]건너뜀 / skipped[/yellow]" if problem.skipped else "[cyan]참고 / note[/cyan]"
        err.print(f"{label} {problem.describe('ko')} / {problem.describe('en')}", highlight=False)
    if not source.complaints:
        raise fail(
            "분석할 민원이 없습니다. 목록에 민원 내용이 있는지 확인해 주세요.",
            "No complaints to analyse; check that the list has complaint text.",
        )
    settings = section(config, ComplaintTriageSkill.section, ComplaintSettings)
    billed_to = _billed_department(config, by, department) if model else None
    terms = expand(topic, settings.synonyms) if topic else []
    actions: dict[str, str] = pii_actions(config, department) if department else dict(config.filters.pii)
    gc.disable()  # collection passes over 10^5 live complaints cost more than they free; back on when done
    try:
        result = _run(source, config, actions, moment, terms, topic)
    finally:
        gc.enable()
    if billed_to is not None and by is not None:
        _model_pass(result, config, settings, billed_to, by, yes)
    _write(result, format, out_path)


def _billed_department(config: AppConfig, by: str | None, department: str | None) -> str:
    """The department a --model run is billed to: --department, else the one that lists --by as a member."""
    if not by:
        raise fail("--model에는 --by(요청한 공무원 ID)가 필요합니다.", "--model needs --by (who asks for the calls).")
    if department:
        return department
    found = next((d.id for d in config.departments if any(m.user == by for m in d.members)), None)
    if found is None:
        raise fail(
            f"'{by}'의 부서를 찾지 못했습니다. --department로 지정하세요.",
            f"No department lists '{by}'; name one with --department.",
        )
    return found


def _model_pass(
    result: TriageResult, config: AppConfig, settings: ComplaintSettings, department: str, by: str, yes: bool
) -> None:
    """The model pass of model_read.py through the office's gateway; the cost is shown first and a run over
    complaints.model_levels_confirm_over is confirmed (or --yes). Any failure leaves the offline levels."""
    reading = plan(result)
    err.print(f"{estimate_note(reading, 'ko')}\n{estimate_note(reading, 'en')}", highlight=False)
    large = reading.complaints > settings.model_levels_confirm_over
    if large and not yes and not typer.confirm("모델로 읽을까요? / Read with the model?", default=False, err=True):
        result.notes.append(t("triage_model_declined", "ko"))
        return

    async def work(config: AppConfig, store: Store) -> None:
        from bot.gateway.factory import build_gateway

        bundle = build_gateway(config, store)
        try:
            if bundle.offline:
                result.notes.append(t("triage_model_none", "ko"))
                return
            helper = ModelHelper(bundle.gateway, department, by, platform="cli")
            outcome = await read_levels(helper.ask_text, result, reading, "ko")
        finally:
            await bundle.close()
        rerank(result, settings)
        result.notes.append(outcome_note(outcome, reading, "ko"))
        result.model_calls = helper.calls

    with_store(work, config)


def _run(
    source: ComplaintList,
    config: AppConfig,
    actions: dict[str, str],
    moment: datetime | None,
    terms: list[str],
    topic: str | None,
) -> TriageResult:
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("읽는 중 / reading", total=len(source.complaints))

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(task, description=_STAGES.get(stage, stage), completed=done, total=total or None)

        result = triage(
            source,
            settings=section(config, ComplaintTriageSkill.section, ComplaintSettings),
            departments=config.departments,
            actions=actions,
            as_of=moment,
            terms=terms,
            topic=topic,
            progress=progress,
            nouns=KiwiNouns(),
            workers=2,
        )
    if topic and not result.complaints:
        raise fail(
            f"'{topic}' 관련 민원을 찾지 못했습니다(찾은 표현: {', '.join(terms)}).",
            f"No complaints about '{topic}' (terms: {', '.join(terms)}).",
            code=1,
        )
    return result


def _as_of(text: str | None) -> datetime | None:
    """--as-of read; None (the list's own date) when not given."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        parsed = parse_date(text)
        if parsed is None:
            raise fail(
                f"기준 시각을 읽을 수 없습니다: {text} (예: 2026-11-20T18:00)",
                f"Cannot read --as-of {text} (e.g. 2026-11-20T18:00)",
            ) from None
        return parsed


def _write(result: TriageResult, format: Format, out_path: Path | None) -> None:
    if format is Format.table:
        _print_tables(result)
        if out_path:
            out_path.write_bytes(xlsx_bytes(result))
            out.print(f"XLSX: {out_path}")
        return
    if format is Format.xlsx:
        target = out_path or Path(file_name(result))
        target.write_bytes(xlsx_bytes(result))
        out.print(f"저장했습니다 / saved: {target}")
        return
    text = json_text(result) if format is Format.json else csv_text(result)
    if out_path:
        out_path.write_text(
            text, encoding="utf-8-sig" if format is Format.csv else "utf-8"
        )  # Excel opens a BOM-marked CSV as UTF-8
        out.print(f"저장했습니다 / saved: {out_path}")
    else:
        typer.echo(text, nl=False)


def _print_tables(result: TriageResult) -> None:
    scope = f" '{result.topic}' 관련(전체 {result.total:,}건 중)" if result.topic else ""
    out.print(f"[bold]민원 {len(result.complaints):,}건{scope} → 묶음 {len(result.clusters)}개[/bold]")
    if result.source.encoding and result.source.encoding not in ("utf-8", "utf-8-sig"):
        out.print(
            f"{result.source.source}: {result.source.encoding.upper()} 인코딩으로 읽었습니다 / read as {result.source.encoding.upper()}"
        )
    clusters = Table(
        "순위", "우선순위", "점수", "묶음", "건수", "사유", "담당 부서(제안)", title="우선순위별 민원 묶음"
    )
    for rank, cluster in enumerate(result.clusters, start=1):
        clusters.add_row(
            str(rank),
            cluster.priority.level,
            f"{cluster.priority.score:.0f}",
            cluster.title,
            str(cluster.size),
            "; ".join(cluster.priority.reasons[:4]),
            cluster.route.department_name,
        )
    out.print(clusters)
    top = Table("우선순위", "점수", "행", "민원", "사유", title="먼저 볼 민원")
    for index in result.ranked_complaints()[:10]:
        scored = result.complaints[index]
        top.add_row(
            scored.priority.level,
            f"{scored.priority.score:.0f}",
            str(scored.complaint.row),
            snippet(scored.complaint.text, 80),
            "; ".join(scored.priority.reasons[:3]),
        )
    out.print(top)

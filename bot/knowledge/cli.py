"""`govbot knowledge add|list|remove|search`: load an office's statutes and manuals, and look them up."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from bot.cli_support import err, fail, out, with_store
from bot.gateway.pipeline import Gateway
from bot.knowledge.permissions import Action, Actor, may_change
from bot.knowledge.service import AddReport, KnowledgeService, elsewhere_hint
from bot.knowledge.sources import files_of
from bot.roles import configured_role, effective_role
from bot.store.knowledge_repository import OFFICE, KnowledgeRepository

app = typer.Typer(help="법령·지침 모음 / knowledge collections", no_args_is_help=True)


def _files(paths: list[Path]) -> list[tuple[str, Path]]:
    """(source name, path) for every supported file; a folder's files are named relative to the folder."""
    found, missing = files_of(paths)
    if missing:
        raise fail(f"파일이나 폴더가 없습니다: {missing[0]}", f"No such file or folder: {missing[0]}")
    return found


@asynccontextmanager
async def _gateway(config, store) -> AsyncIterator[Gateway | None]:
    """The gateway for embeddings when app.yaml sets `knowledge.embeddings` (billed and audited like chat)."""
    if config.knowledge.embeddings is None:
        yield None
        return
    from bot.gateway.factory import build_gateway

    bundle = build_gateway(config, store)
    try:
        yield bundle.gateway
    finally:
        await bundle.close()


def _summary(report: AddReport) -> None:
    out.print(
        f"{report.collection}: 추가 {len(report.added)}, 교체 {len(report.replaced)}, "
        f"변경 없음 {len(report.unchanged)}, 실패 {len(report.failed)} (조각 {report.chunks}개)\n"
        f"added {len(report.added)}, replaced {len(report.replaced)}, unchanged {len(report.unchanged)}, "
        f"failed {len(report.failed)}",
        highlight=False,
    )
    if report.embedded or report.unembedded:
        out.print(
            f"벡터 {report.embedded}개, 벡터 없음 {report.unembedded}개 / embedded {report.embedded}, "
            f"not embedded {report.unembedded} (searched lexically)",
            highlight=False,
        )
    for source, reason in report.failed:
        err.print(f"[yellow]{source}[/yellow]: {reason}", highlight=False)


def _department(config, department: str | None) -> str | None:
    if department is not None and config.department(department) is None:
        raise fail(f"없는 부서입니다: {department}", f"Unknown department: {department}")
    return department


async def _require(config, store, department_id: str | None, by: str, action: Action) -> None:
    """The same rule as `/knowledge` in chat (bot/knowledge/permissions.py), with `by`'s effective role in the
    owning department (bot/roles.py: a `/role` grant counts here too)."""
    role = "member"
    department = config.department(department_id) if department_id else None
    if department is not None:
        role = await effective_role(store.roles, department, by, configured_role(department, by))
    if may_change(config, Actor(by, department_id, role), department_id or OFFICE, action):
        return
    if department is None:
        raise fail(
            f"'{by}'은(는) 기관 관리자가 아닙니다. 기관 전체 모음은 app.yaml의 organisation.admins만 바꿀 수 있습니다.",
            f"'{by}' is not an office admin; only organisation.admins in app.yaml change office-wide collections.",
        )
    needed = ("관리자", "an admin") if action == "remove" else ("편집자나 관리자", "an editor or admin")
    raise fail(
        f"'{by}'은(는) {department.name}의 {needed[0]}가 아닙니다.", f"'{by}' is not {needed[1]} of {department.name}."
    )


@app.command()
def add(
    collection: str = typer.Argument(..., help="모음 이름 / collection name"),
    paths: list[Path] = typer.Argument(..., help="파일 또는 폴더 / files or folders"),
    department: str | None = typer.Option(None, "--department", help="부서 전용 모음(생략하면 기관 전체)"),
    private: bool = typer.Option(False, "--private", help="부서 안에서만 보이게 / visible to the department only"),
    by: str = typer.Option(..., "--by", help="넣는 사람 ID(부서 편집자·관리자, 기관 전체 모음은 기관 관리자)"),
) -> None:
    """문서를 모음에 넣습니다(바뀌지 않은 파일은 건너뜀) / add files; unchanged ones are skipped."""
    files = _files(paths)
    if not files:
        raise fail("넣을 파일이 없습니다(PDF, DOCX, HWPX, HWP, TXT, MD, HTML)", "No supported files found.")

    async def work(config, store) -> None:
        dept = _department(config, department)
        await _require(config, store, dept, by, "add")
        service = KnowledgeService(config, KnowledgeRepository(store.sessions))
        async with _gateway(config, store) as gateway:
            embedder = service.embedder(gateway, config.embeddings_payer(dept), by, "cli")
            with Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err, transient=True
            ) as bar:
                task = bar.add_task(f"{collection} 색인 중", total=len(files))
                report = await service.add(
                    collection,
                    [(name, file.read_bytes()) for name, file in files],
                    by=by,
                    department_id=dept,
                    visibility="department" if private and dept else "org",
                    progress=lambda _source: bar.advance(task),
                    embedder=embedder,
                )
        _summary(report)
        if report.failed and not (report.added or report.replaced or report.unchanged):
            raise typer.Exit(1)

    with_store(work)


@app.command()
def sync() -> None:
    """app.yaml의 knowledge.collections를 다시 읽습니다(바뀐 파일만) / ingest app.yaml's collections (changed files only)."""
    from bot.settings import Settings

    base = Path(Settings().config).resolve().parent

    async def work(config, store) -> None:
        if not config.knowledge.collections:
            out.print("app.yaml에 knowledge.collections가 없습니다 / no collections in app.yaml", highlight=False)
            return
        service = KnowledgeService(config, KnowledgeRepository(store.sessions))
        async with _gateway(config, store) as gateway:
            reports = await service.sync(base, gateway=gateway)
        for report in reports:
            _summary(report)

    with_store(work)


@app.command("list")
def list_collections(
    collection: str | None = typer.Argument(None, help="모음 이름(주면 문서 목록)"),
    department: str | None = typer.Option(None, "--department", help="이 부서가 볼 수 있는 모음"),
) -> None:
    """모음과 문서 목록 / collections and their documents."""

    async def work(config, store) -> None:
        repository = KnowledgeRepository(store.sessions)
        dept = _department(config, department)
        if collection is None:
            table = Table("모음", "소유", "공개", "문서", "조각")
            for row in await repository.visible(dept):
                owner = "기관 전체" if row.department_id == OFFICE else row.department_id
                table.add_row(row.name, owner, row.visibility, str(row.documents), str(row.chunks))
            out.print(table)
            return
        info = await repository.resolve(collection, dept)
        if info is None:
            raise fail(f"모음이 없습니다: {collection}", f"No such collection: {collection}")
        table = Table("파일", "제목", "종류", "시행일", "조각")
        for doc in await repository.documents(info.id):
            table.add_row(doc.source, doc.title, doc.kind, doc.effective_date or "-", str(doc.chunks))
        out.print(table)

    with_store(work)


@app.command()
def remove(
    collection: str = typer.Argument(...),
    source: str | None = typer.Argument(None, help="파일 이름(생략하면 모음 전체)"),
    department: str | None = typer.Option(None, "--department"),
    by: str = typer.Option(..., "--by", help="지우는 사람 ID(부서 관리자, 기관 전체 모음은 기관 관리자)"),
) -> None:
    """문서나 모음을 지웁니다 / remove a document or a whole collection."""

    async def work(config, store) -> None:
        repository = KnowledgeRepository(store.sessions)
        dept = _department(config, department)
        await _require(config, store, dept, by, "remove")
        info = await repository.resolve(collection, dept)
        if info is None or (info.department_id != (dept or OFFICE)):
            raise fail(f"이 부서의 모음이 아닙니다: {collection}", f"Not a collection of this department: {collection}")
        if source is None:
            await repository.remove_collection(info.id)
            out.print(f"모음 '{info.name}'을(를) 지웠습니다 / removed collection", highlight=False)
        elif await repository.remove_document(info.id, source):
            out.print(f"'{source}'을(를) 지웠습니다 / removed", highlight=False)
        else:
            raise fail(f"모음에 없는 파일입니다: {source}", f"No such document: {source}")

    with_store(work)


@app.command()
def search(
    query: str = typer.Argument(..., help="질문 / question"),
    collection: list[str] = typer.Option(None, "--collection", "-c", help="찾을 모음(여러 번 가능)"),
    top: int = typer.Option(5, "--top", min=1, max=50),
    department: str | None = typer.Option(None, "--department", help="이 부서가 볼 수 있는 모음에서"),
    as_json: bool = typer.Option(False, "--json", help="JSON으로 출력"),
) -> None:
    """조문·지침을 찾습니다 / search the collections."""

    async def work(config, store) -> None:
        dept = _department(config, department)
        service = KnowledgeService(config, KnowledgeRepository(store.sessions))
        async with _gateway(config, store) as gateway:
            embedder = service.embedder(gateway, config.embeddings_payer(dept), "cli", "cli")
            outcome = await service.search(
                query, department_id=dept, collections=collection or None, top=top, embedder=embedder
            )
        if as_json:
            print(json.dumps(outcome.as_json(), ensure_ascii=False, indent=2))
            return
        if not outcome.relevant:
            out.print(
                f"관련 조문을 찾지 못했습니다 (찾아본 모음: {', '.join(outcome.collections) or '없음'})\n"
                "No relevant passage found."
                + (
                    f"\n{elsewhere_hint(outcome.elsewhere, 'ko')}\n{elsewhere_hint(outcome.elsewhere, 'en')}"
                    if outcome.elsewhere
                    else ""
                ),
                highlight=False,
            )
        for rank, result in enumerate(outcome.results, 1):
            mark = "" if result.relevant else " (관련성 낮음)"
            heading = f"({result.chunk.heading})" if result.chunk.heading and result.chunk.article else ""
            out.print(f"{rank}. {result.chunk.citation}{heading} {result.score:.2f}{mark}", highlight=False)

    with_store(work)

"""`govbot assistants list|show|export|import`: move department assistants between installations
(a test office and production) as reviewed YAML."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer
import yaml
from rich.table import Column, Table

from assistants.registry import load_builtin
from assistants.spec import AssistantSpec
from bot.authoring.policy import ContentPolicy
from bot.authoring.service import EDITABLE, AssistantStudio, Author, AuthoringRefused
from bot.cli_support import fail, out, with_store
from bot.config import AppConfig
from bot.roles import configured_role, effective_role
from bot.store import Store

app = typer.Typer(help="부서 도우미 / department assistants", no_args_is_help=True)
FORMAT = "govbot-assistants/1"


def _studio(config: AppConfig, store: Store) -> AssistantStudio:
    from assistants.skills.registry import skill_names
    from bot.runtime import build_registry

    return AssistantStudio(
        store.assistants, build_registry(config, store), ContentPolicy(config), config, skill_names()
    )


async def _author(config: AppConfig, store: Store, department_id: str, by: str) -> Author:
    department = config.department(department_id)
    if department is None:
        raise fail(f"없는 부서입니다: {department_id}", f"Unknown department: {department_id}")
    return Author(by, department_id, await effective_role(store.roles, department, by, configured_role(department, by)))


@app.command("list")
def list_assistants(department: str | None = typer.Option(None, "--department", "-d", help="부서 id")) -> None:
    """공식 도우미와 부서 도우미 목록 / official and department assistants."""

    async def work(config: AppConfig, store: Store) -> None:
        names = {d.id: d.name for d in config.departments}
        table = Table("부서 / owner", "공개 / shared", "최신 / latest", "게시 / published", "출처 / source")
        table.columns.insert(0, Column("이름 / name", no_wrap=True))
        table.columns.insert(0, Column("id", no_wrap=True))
        if department is None:
            for spec in [*config.assistants, *load_builtin()]:
                table.add_row(
                    spec.id,
                    spec.name,
                    names.get(spec.department or "", "전체 공통"),
                    str(spec.visibility),
                    "-",
                    "-",
                    "official",
                )
        studio = _studio(config, store)
        for state, spec in await store.assistants.latest(department, include_deleted=True):
            shown = "삭제됨 / deleted" if state.deleted else str(state.published_version or "게시 전 / draft")
            table.add_row(
                spec.id,
                spec.name,
                names.get(state.department_id, state.department_id),
                studio.audience(spec.visibility, "ko"),
                str(state.latest_version),
                shown,
                "department",
            )
        out.print(table)

    with_store(work)


@app.command()
def show(
    assistant: str = typer.Argument(..., help="id"), version: int | None = typer.Option(None, "--version", "-v")
) -> None:
    """도우미 하나를 YAML로 / one assistant as YAML (the latest version unless --version)."""

    async def work(config: AppConfig, store: Store) -> None:
        official = next((s for s in [*config.assistants, *load_builtin()] if s.id == assistant), None)
        spec: AssistantSpec | None = official
        if spec is None:
            state = await store.assistants.state(assistant)
            if state is None:
                raise fail(
                    f"없는 도우미입니다: {assistant} (`govbot assistants list`로 id를 확인하세요)",
                    f"No assistant {assistant}.",
                )
            spec = await store.assistants.spec(assistant, version or state.latest_version)
            if spec is None:
                raise fail(f"{assistant}에는 버전 {version}이(가) 없습니다.", f"{assistant} has no version {version}.")
        out.print(
            yaml.safe_dump(spec.model_dump(exclude_defaults=True), allow_unicode=True, sort_keys=False), highlight=False
        )

    with_store(work)


@app.command()
def export(
    department: str | None = typer.Option(None, "--department", "-d", help="이 부서만 / only this department"),
    out_path: Path | None = typer.Option(None, "--out", "-o", help="파일 (생략하면 화면) / file, default stdout"),
) -> None:
    """부서 도우미의 최신 버전을 YAML로 내보냅니다 / export the latest version of department assistants."""

    async def work(config: AppConfig, store: Store) -> None:
        entries = []
        for state, spec in await store.assistants.latest(department):
            data = spec.model_dump(exclude_defaults=True, exclude={"id", "version", "owner"})
            entries.append({"published": state.published_version == state.latest_version, **data})
        document = {
            "format": FORMAT,
            "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "organisation": config.organisation.name,
            "assistants": entries,
        }
        text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
        if out_path is None:
            sys.stdout.write(text)
        else:
            out_path.write_text(text, encoding="utf-8")
            out.print(f"도우미 {len(entries)}개를 {out_path}에 썼습니다 / wrote {len(entries)} assistant(s)")

    with_store(work)


@app.command("import")
def import_assistants(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="export로 만든 YAML / a file made by export"),
    by: str = typer.Option(
        ..., "--by", help="가져오는 사람 (각 부서의 편집자·관리자) / an editor or admin of each department"
    ),
    publish: bool = typer.Option(False, "--publish", help="가져온 버전을 바로 게시 / publish what is imported"),
) -> None:
    """YAML의 도우미를 가져옵니다: 같은 이름이 있으면 새 버전, 없으면 새 도우미. 하나라도 잘못되면 아무것도 바꾸지 않습니다.
    Import assistants: a new version where the department has one of that name, else a new assistant; all or nothing."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise fail(f"YAML로 읽을 수 없습니다: {error}", "The file is not valid YAML.") from None
    if (
        not isinstance(document, dict)
        or document.get("format") != FORMAT
        or not isinstance(document.get("assistants"), list)
    ):
        raise fail(
            f"`govbot assistants export`로 만든 파일이 아닙니다(format: {FORMAT}가 필요합니다).",
            "Not a file made by `govbot assistants export`.",
        )

    async def work(config: AppConfig, store: Store) -> None:
        studio = _studio(config, store)
        plan, problems = [], []
        for index, entry in enumerate(document["assistants"], 1):
            try:
                plan.append(await _plan(studio, config, store, entry, by))
            except (AuthoringRefused, ValueError) as error:
                message = error.message("ko") if isinstance(error, AuthoringRefused) else str(error)
                problems.append(
                    f"{index}번째 도우미 '{entry.get('name', '?') if isinstance(entry, dict) else '?'}': {message}"
                )
        if problems:
            raise fail(
                "가져오지 않았습니다(아무것도 바꾸지 않음):\n- " + "\n- ".join(problems),
                "Nothing was imported; fix the entries above.",
            )
        for author, owned, fields in plan:
            if owned is None:
                spec, _ = await studio.create(author, fields, note=f"{path.name}에서 가져옴")
                action = "새로 만듦 / created"
            else:
                spec = await studio.edit(author, owned, fields, note=f"{path.name}에서 가져옴")
                action = f"버전 {spec.version} / new version"
            if publish:
                await store.assistants.publish(spec.id, spec.version)
            out.print(f"{spec.name} ({author.department_id}): {action}{' · 게시 / published' if publish else ''}")

    with_store(work)


async def _plan(studio: AssistantStudio, config: AppConfig, store: Store, entry: Any, by: str):
    """Check one entry completely before anything is written: (author, existing assistant or None, fields)."""
    if not isinstance(entry, dict) or not entry.get("department"):
        raise ValueError("department(부서 id)가 있어야 합니다 / needs a department")
    author = await _author(config, store, str(entry["department"]), by)
    department = config.department(author.department_id)
    assert department is not None  # _author refused an unknown department
    admins = ", ".join(department.admins)
    if not author.can_edit:
        raise AuthoringRefused("authoring_editors_only", role=author.role, admins=admins)
    fields = {k: v for k, v in entry.items() if k in EDITABLE}
    owned = next(
        (o for o in await studio.owned(author.department_id) if o.spec.answers_to(str(entry.get("name", "")))), None
    )
    if (
        fields.get("visibility", "department") != (owned.spec.visibility if owned else "department")
        and not author.is_admin
    ):
        raise AuthoringRefused("authoring_admins_only", admins=admins)
    if owned is None:
        await studio.check_name(author, str(fields.get("name", "")), exclude_id=None)
    studio.validated(
        author, {"visibility": "department", **fields, "id": "import-check", "department": author.department_id}
    )
    return author, owned, fields

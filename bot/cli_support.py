"""What every admin CLI command needs: settings, app.yaml and an open store, closed afterwards."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import typer
from rich.console import Console

from bot.audit.keys import AuditKeyInvalid, load_audit_key
from bot.config import AppConfig, ConfigInvalid
from bot.roles import configured_role, effective_role
from bot.settings import Settings
from bot.store import Store
from bot.store.db import current_revision

T = TypeVar("T")
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def fail(ko: str, en: str, code: int = 2) -> typer.Exit:
    err.print(f"[red]{ko}[/red]\n{en}", highlight=False)
    return typer.Exit(code)


def office_config(path: Path) -> AppConfig:
    """app.yaml at `path` with every skill's section (raises ConfigInvalid)."""
    from assistants.skills.registry import load_office_config

    return load_office_config(path)


def with_store(work: Callable[[AppConfig, Store], Awaitable[T]], config: AppConfig | None = None) -> T:
    """`work` with the office's store open (`config`: an app.yaml already read, e.g. from a --config option)."""
    settings = Settings()
    try:
        config = config or office_config(settings.config)
    except ConfigInvalid as error:
        raise fail(f"설정 오류가 있습니다: {error}", "app.yaml is invalid; run `govbot check-config`.") from None
    try:
        audit_key = load_audit_key(settings)
    except AuditKeyInvalid as error:
        raise fail(error.ko, error.en) from None
    if (warning := audit_key.warning()) is not None:
        err.print(f"[bold yellow]경고 / warning:[/bold yellow] {warning[0]}\n{warning[1]}", highlight=False)

    async def run() -> T:
        store = await Store.open(
            settings.database_url,
            redis_url=settings.redis_url,
            redis_prefix=settings.redis_prefix,
            schema=settings.database_schema,
            audit_key=audit_key,
        )
        try:
            if await current_revision(store.engine) is None:
                raise fail(
                    "데이터베이스가 준비되지 않았습니다. 먼저 `govbot db upgrade`를 실행하세요.",
                    "The database is not initialised; run `govbot db upgrade` first.",
                )
            return await work(config, store)
        finally:
            await store.close()

    return asyncio.run(run())


async def require_admin(config: AppConfig, store: Store, department_id: str, by: str) -> None:
    """Only the department's admins may change what it is allowed: app.yaml admins and officials granted
    admin with `/role` (decided by the same function as in chat, bot/roles.py), and the office's admins."""
    department = config.department(department_id)
    if department is None:
        raise fail(f"없는 부서입니다: {department_id}", f"Unknown department: {department_id}")
    office_admin = by in config.organisation.admins  # they administer every department, as on the console
    if (
        not office_admin
        and await effective_role(store.roles, department, by, configured_role(department, by)) != "admin"
    ):
        raise fail(
            f"'{by}'은(는) {department.name}의 관리자가 아닙니다. app.yaml의 admins에 있거나 `/role`로 관리자가 된 "
            "사람만 바꿀 수 있습니다.",
            f"'{by}' is not an admin of {department.name}; only app.yaml admins and officials granted admin with "
            "`/role` may change it.",
        )

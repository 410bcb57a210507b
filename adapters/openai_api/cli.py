"""`govbot keys create|list|revoke`: API keys of the OpenAI-compatible endpoint."""

from __future__ import annotations

import typer
from rich.table import Table

from bot.cli_support import fail, out, require_admin, with_store

app = typer.Typer(help="OpenAI 호환 API 키 / API keys", no_args_is_help=True)


@app.command()
def create(
    department: str = typer.Option(..., "--department", "-d", help="부서 id"),
    name: str = typer.Option("기본 키", "--name", help="키 이름(용도)"),
    by: str = typer.Option(..., "--by", help="발급하는 관리자 ID"),
) -> None:
    """키를 만듭니다. 키는 이때 한 번만 보여 줍니다 / create a key (shown once)."""

    async def work(config, store):
        await require_admin(config, store, department, by)
        return await store.keys.create(department, name, by, platform="cli")

    key, info = with_store(work)
    out.print(f"새 API 키 ({info.department_id}, {info.name}) — 지금 복사해 두세요. 다시 볼 수 없습니다 / copy it now:")
    out.print(key, highlight=False)


@app.command("list")
def list_keys(department: str | None = typer.Option(None, "--department", "-d")) -> None:
    """키 목록(키 값은 보여 주지 않음) / list keys."""

    async def work(config, store):
        return await store.keys.list(department)

    table = Table("접두사", "부서", "이름", "발급자", "발급일", "상태", "마지막 사용")
    for info in with_store(work):
        used = f"{info.last_used_at:%Y-%m-%d %H:%M}" if info.last_used_at else "-"
        table.add_row(
            info.prefix,
            info.department_id,
            info.name,
            info.created_by,
            f"{info.created_at:%Y-%m-%d}",
            "폐기" if info.revoked else "사용 중",
            used,
        )
    out.print(table)


@app.command()
def revoke(prefix: str, by: str = typer.Option(..., "--by")) -> None:
    """키를 폐기합니다 / revoke a key by its prefix."""

    async def work(config, store):
        keys = [k for k in await store.keys.list() if k.prefix == prefix]
        if not keys:
            raise fail(f"없는 키입니다: {prefix}", f"No key with prefix {prefix}")
        await require_admin(config, store, keys[0].department_id, by)
        return await store.keys.revoke(prefix, by=by, platform="cli")

    count = with_store(work)
    out.print(f"폐기함 / revoked: {prefix} ({count})")

"""`govbot role set|reset|list`: the run-time roles `/role` and the console grant, from the terminal.

The same function as in chat and on the console (bot.roles.change_role), so the grant and its signed audit record
are the same whichever surface made them; `--by` must be an admin of the department (effective role, as in chat)
or an office admin."""

from __future__ import annotations

import typer
from rich.table import Table

from bot.cli_support import fail, out, require_admin, with_store
from bot.roles import ROLES, change_role, configured_role, effective_role

app = typer.Typer(help="부서 역할 / department roles", no_args_is_help=True)
SURFACE = "cli"  # the `platform` of this command's audit records


@app.command("set")
def set_role(
    department: str,
    user: str,
    role: str = typer.Argument(..., help=" | ".join(ROLES)),
    by: str = typer.Option(..., "--by", help="변경하는 관리자 ID / the admin making the change"),
) -> None:
    """실행 중 역할을 줍니다(app.yaml 역할 위에 덮어씀) / grant a run-time role."""
    if role not in ROLES:
        raise fail(f"알 수 없는 역할입니다: {role} (가능: {', '.join(ROLES)})", f"Unknown role: {role}")
    _change(department, user, role, by)
    out.print(f"{department} {user} → {role}")


@app.command()
def reset(department: str, user: str, by: str = typer.Option(..., "--by")) -> None:
    """실행 중 역할을 지우고 app.yaml 역할로 되돌립니다 / drop the run-time role (back to app.yaml)."""
    _change(department, user, "reset", by)
    out.print(f"{department} {user}: app.yaml 역할로 되돌렸습니다 / back to the app.yaml role")


@app.command("list")
def list_roles(department: str) -> None:
    """부서의 역할(app.yaml과 실행 중 부여) / the department's roles."""

    async def work(config, store):
        dept = config.department(department)
        if dept is None:
            raise fail(f"없는 부서입니다: {department}", f"Unknown department: {department}")
        granted = {user: (role, by) for user, role, by in await store.roles.all(department)}
        users = [*(m.user for m in dept.members), *(u for u in granted if u not in {m.user for m in dept.members})]
        lines = []
        for user in users:
            configured = configured_role(dept, user)
            role, by = granted.get(user, (None, None))
            lines.append(
                (user, configured, role or "-", by or "-", await effective_role(store.roles, dept, user, configured))
            )
        return lines

    table = Table("사용자", "app.yaml", "실행 중 부여", "부여자", "적용 역할")
    for line in with_store(work):
        table.add_row(*line)
    out.print(table)


def _change(department: str, user: str, role: str, by: str) -> None:
    if not user or len(user) > 128:
        raise fail("사용자 ID가 비었거나 너무 깁니다.", "The user id is empty or too long.")

    async def work(config, store) -> None:
        await require_admin(config, store, department, by)
        await change_role(store.roles, department, user, role, by=by, audit=store.audit, platform=SURFACE)

    with_store(work)

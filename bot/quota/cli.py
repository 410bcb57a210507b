"""`govbot quota show|set|grant|reset`: department quotas for admins."""

from __future__ import annotations

import typer
from rich.table import Table

from bot.cli_support import fail, out, require_admin, with_store
from bot.config import MAX_LIMIT
from bot.quota.limits import LIMIT_NAMES
from bot.quota.service import QuotaService

app = typer.Typer(help="부서 사용 한도 / department quotas", no_args_is_help=True)
SURFACE = "cli"  # the `platform` of this command's audit records


@app.command()
def show(department: str | None = typer.Argument(None, help="부서 id (생략하면 전체)")) -> None:
    """부서별 사용량과 한도 / usage and limits."""

    async def work(config, store) -> None:
        service = QuotaService(config, store.quota)
        table = Table("부서", "한도", "사용", "예약(진행 중)", "한도값", "초기화")
        for dept in config.departments:
            if department and dept.id != department:
                continue
            for status in await service.status(dept.id):
                limit = f"{status.value:,}" if status.value is not None else "제한 없음"
                share = f" ({100 * status.used / status.value:.0f}%)" if status.value else ""
                # Reserved tokens count against the limit until their calls end (or are swept after a crash).
                held = f" ({100 * (status.used + status.reserved) / status.value:.0f}% 포함)" if status.value else ""
                table.add_row(
                    dept.name,
                    status.label_ko,
                    f"{status.used:,}{share}",
                    f"{status.reserved:,}{held}" if status.reserved else "0",
                    limit,
                    f"{status.resets_at:%m-%d %H:%M}",
                )
        out.print(table)

    with_store(work)


def _check(name: str) -> None:
    if name not in LIMIT_NAMES:
        raise fail(f"알 수 없는 한도 이름입니다: {name} (가능: {', '.join(LIMIT_NAMES)})", f"Unknown limit: {name}")


@app.command("set")
def set_limit(
    department: str,
    name: str = typer.Argument(..., help=", ".join(LIMIT_NAMES)),
    value: str = typer.Argument(..., help="숫자 또는 none(제한 없음)"),
    by: str = typer.Option(..., "--by", help="변경하는 관리자 ID (app.yaml admins)"),
) -> None:
    """한도를 바꿉니다(app.yaml 값 위에 덮어씀) / override a limit."""
    _check(name)
    parsed = None if value.lower() in ("none", "없음", "unlimited") else _number(value)

    async def work(config, store) -> None:
        await require_admin(config, store, department, by)
        await QuotaService(config, store.quota).set_limit(
            department, name, parsed, by, audit=store.audit, platform=SURFACE
        )
        out.print(f"{department} {name} = {parsed if parsed is not None else '제한 없음'}")

    with_store(work)


@app.command()
def grant(department: str, name: str, amount: str, by: str = typer.Option(..., "--by")) -> None:
    """이번 기간에만 한도를 늘립니다 / add to a limit for the current period only."""
    _check(name)
    extra = _number(amount)

    async def work(config, store) -> None:
        await require_admin(config, store, department, by)
        total = await QuotaService(config, store.quota).grant(
            department, name, extra, by, audit=store.audit, platform=SURFACE
        )
        out.print(f"{department} {name}: 이번 기간 추가 {total:,} / extra this period")

    with_store(work)


@app.command()
def reset(department: str, by: str = typer.Option(..., "--by")) -> None:
    """관리자 변경을 지우고 app.yaml 한도로 되돌립니다(사용량은 그대로) / back to app.yaml limits."""

    async def work(config, store) -> None:
        await require_admin(config, store, department, by)
        removed = await QuotaService(config, store.quota).reset(department, by=by, audit=store.audit, platform=SURFACE)
        out.print(f"{department}: 변경 {removed}건을 지웠습니다 / removed {removed} override(s)")

    with_store(work)


@app.command()
def sweep() -> None:
    """멈춘 프로세스가 남긴 만료된 예약을 지금 돌려줍니다(실행 중인 serve도 주기적으로 합니다) /
    give back expired reservations of stopped processes now (running servers also do this periodically)."""

    async def work(config, store) -> int:
        from bot.quota.sweeper import ReservationSweeper

        return len(await ReservationSweeper(QuotaService(config, store.quota), store.audit, 1).run_once())

    count = with_store(work)
    out.print(f"만료된 예약 {count}건을 돌려주고 감사 기록(interrupted)을 남겼습니다 / released {count} reservation(s)")


def _number(text: str) -> int:
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise fail(f"숫자가 아닙니다: {text}", f"Not a number: {text}") from None
    if not 0 <= value <= MAX_LIMIT:
        raise fail(f"0 이상 {MAX_LIMIT:,} 이하여야 합니다.", f"Must be between 0 and {MAX_LIMIT:,}.")
    return value

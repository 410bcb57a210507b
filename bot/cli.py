"""The `govbot` command: serve, chat, check-config, db. Other features add their own sub-apps."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from pathlib import Path

import typer

from adapters.openai_api import cli as keys_cli
from adapters.teams import cli as teams_cli
from assistants.skills.complaints import cli as complaints_cli
from bot import roles_cli
from bot.audit import cli as audit_cli
from bot.authoring import cli as assistants_cli
from bot.cli_support import err, out
from bot.config import ConfigError, ConfigInvalid, credential_warnings
from bot.knowledge import cli as knowledge_cli
from bot.privacy import cli as filter_cli
from bot.quota import cli as quota_cli
from bot.settings import Settings

app = typer.Typer(
    help="govbot: 공무원을 위한 메신저 업무 도우미 / a messenger assistant for public officials",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="데이터베이스 / database", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(quota_cli.app, name="quota")
app.add_typer(audit_cli.app, name="audit")
app.add_typer(keys_cli.app, name="keys")
app.add_typer(roles_cli.app, name="role")
app.add_typer(assistants_cli.app, name="assistants")
app.add_typer(teams_cli.app, name="teams")
app.add_typer(complaints_cli.app, name="complaints")
app.add_typer(knowledge_cli.app, name="knowledge")
app.registered_commands += filter_cli.app.registered_commands


def _settings(config: Path | None) -> Settings:
    settings = Settings()
    return settings.model_copy(update={"config": config}) if config else settings


def _load_or_exit(path: Path):
    try:
        from assistants.skills.registry import load_office_config

        return load_office_config(path)
    except ConfigInvalid as error:
        _print_config_errors(error)
        raise typer.Exit(2) from None


def _print_config_errors(error: ConfigInvalid) -> None:
    err.print(
        f"[bold red]설정 오류 {len(error.errors)}건[/bold red] / {len(error.errors)} configuration error(s) in {error.source}:"
    )
    for item in error.errors:
        where = item.path or "(문서 전체 / whole document)"
        line = f" (줄/line {item.line})" if item.line else ""
        err.print(f"  [cyan]{where}[/cyan]{line}\n    {item.ko}\n    {item.en}", highlight=False)


@app.command("check-config")
def check_config(path: Path = typer.Argument(Path("app.yaml"), help="app.yaml 경로 / path")) -> None:
    """app.yaml과 환경 설정을 검사합니다 (오류가 있으면 종료 코드 2) / validate app.yaml and settings (exit 2 on errors)."""
    from bot.audit.keys import AuditKeyInvalid, key_status

    config = _load_or_exit(path)
    if not _check_environment():
        raise typer.Exit(2)
    members = sum(len(d.members) for d in config.departments)
    warnings = credential_warnings(config, os.environ)
    out.print(
        f"[green]설정이 올바릅니다[/green] / configuration is valid: {config.organisation.name}, 부서 {len(config.departments)}개, 사용자 {members}명, 도우미 {len(config.assistants)}개(app.yaml)"
        + (f" — [yellow]경고 {len(warnings)}건 / {len(warnings)} warning(s)[/yellow]" if warnings else "")
    )
    _print_warnings(warnings)
    try:
        warning = key_status(Settings())
    except AuditKeyInvalid as error:
        err.print(f"[bold red]감사 키 오류[/bold red] / audit key error: {error.ko}\n{error.en}", highlight=False)
        raise typer.Exit(2) from None
    if warning is not None:
        err.print(f"[bold yellow]경고 / warning:[/bold yellow] {warning[0]}\n{warning[1]}", highlight=False)


def _check_environment() -> bool:
    """The settings that make an installation unsafe rather than merely wrong (e.g. development switches in
    production); printed in Korean and English. False when one of them must be fixed before serving."""
    from adapters.teams.credentials import BotFrameworkConfig
    from adapters.teams.mode import setup_problems

    settings = Settings()
    problems = setup_problems(
        BotFrameworkConfig.from_env(os.environ),
        dev_emulator=settings.teams_dev_emulator,
        public_url=settings.teams_public_url,
        web_dev_login=settings.web_dev_login,
    )
    for problem in problems:
        if problem.fatal:
            err.print(f"[bold red]환경 설정 오류[/bold red] / settings error: {problem.message}", highlight=False)
        else:
            err.print(f"[yellow]환경 설정 경고[/yellow] / settings warning: {problem.message}", highlight=False)
    return not any(p.fatal for p in problems)


def _print_warnings(warnings: list[ConfigError]) -> None:
    for item in warnings:
        err.print(
            f"  [yellow]경고 / warning[/yellow] [cyan]{item.path}[/cyan]\n    {item.ko}\n    {item.en}", highlight=False
        )


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head")) -> None:
    """마이그레이션을 적용합니다 / apply database migrations."""
    from bot.store.db import current_revision, make_engine, upgrade

    settings = Settings()

    async def run() -> str | None:
        engine = make_engine(settings.database_url, schema=settings.database_schema)
        try:
            await upgrade(engine, revision)
            return await current_revision(engine)
        finally:
            await engine.dispose()

    current = asyncio.run(run())
    out.print(f"데이터베이스 스키마: {current} / database at revision {current}")


@db_app.command("purge")
def db_purge(
    dry_run: bool = typer.Option(False, "--dry-run", help="지울 건수만 보여 줍니다 / only count what would go"),
    by: str | None = typer.Option(None, "--by", help="실행하는 관리자 ID (감사 기록에 남음) / who runs it"),
) -> None:
    """app.yaml retention.metadata_days보다 오래된 메타데이터를 지웁니다(감사 체인은 서명된 시작점으로 이어짐) /
    remove metadata older than retention.metadata_days; the audit chain stays verifiable."""
    import getpass

    from bot.cli_support import with_store
    from bot.retention import purge_metadata, report_lines

    who = by or f"os:{getpass.getuser()}"

    async def work(config, store):
        return config.retention.metadata_days, await purge_metadata(
            config, store, by=who, platform="cli", dry_run=dry_run
        )

    days, report = with_store(work)
    for ko, en in report_lines(report, days):
        out.print(f"{ko}\n{en}" if not ko.startswith("  ") else f"{ko} / {en.strip()}", highlight=False)
    if report.audit_kept:
        raise typer.Exit(1)


@app.command()
def serve(
    config: Path | None = typer.Option(
        None, "--config", "-c", help="app.yaml 경로 (기본: GOVBOT_CONFIG 또는 ./app.yaml)"
    ),
    host: str | None = typer.Option(None, help="수신 주소 / bind address"),
    port: int | None = typer.Option(None, help="포트 / port"),
    slack_socket_mode: bool = typer.Option(
        False, "--slack-socket-mode", help="Slack을 Socket Mode로 연결 (인바운드 연결이 없는 망)"
    ),
    workers: int = typer.Option(
        1,
        "--workers",
        "-w",
        min=1,
        help="같은 포트를 나눠 쓰는 프로세스 수 (PostgreSQL·Redis 권장) / processes sharing the port",
    ),
) -> None:
    """웹 채팅과 메신저 어댑터를 띄웁니다 / start the web chat and messenger adapters."""
    settings = _settings(config)
    if workers > 1:
        _supervise(settings, config, host, port, slack_socket_mode, workers)
        return
    settings = settings.model_copy(update={k: v for k, v in {"host": host, "port": port}.items() if v is not None})
    if slack_socket_mode:
        settings = settings.model_copy(update={"slack_socket_mode": True})
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    app_config = _load_or_exit(settings.config)
    _audit_key_or_exit(settings)
    warnings = credential_warnings(app_config, os.environ)
    for item in warnings:  # names the variable, never a value
        logging.getLogger("govbot.serve").warning("%s: %s / %s", item.path, item.ko, item.en)
    _print_warnings(warnings)
    asyncio.run(_serve(settings, app_config))


def _supervise(
    settings: Settings, config: Path | None, host: str | None, port: int | None, socket_mode: bool, workers: int
) -> None:
    """`--workers N`: migrate once, then N children on one shared listening socket (bot/workers.py)."""
    from bot.store.db import make_engine, upgrade
    from bot.workers import supervise

    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    _load_or_exit(settings.config)
    _audit_key_or_exit(settings)
    if settings.database_url.startswith("sqlite"):
        err.print(
            "[yellow]경고 / warning:[/yellow] SQLite는 한 번에 한 프로세스만 씁니다. 여러 프로세스에는 "
            "GOVBOT_DATABASE_URL=postgresql+asyncpg://… 와 GOVBOT_REDIS_URL을 권장합니다. / SQLite has one writer at a "
            "time: several processes want PostgreSQL and Redis.",
            highlight=False,
        )

        async def migrate() -> None:
            engine = make_engine(settings.database_url, schema=settings.database_schema)
            try:
                await upgrade(engine)
            finally:
                await engine.dispose()

        asyncio.run(migrate())
    args = [*(["--config", str(config)] if config else []), *(["--slack-socket-mode"] if socket_mode else [])]
    bind_host, bind_port = host or settings.host, port or settings.port
    out.print(f"govbot: {workers} 프로세스 / processes on {bind_host}:{bind_port}")
    raise typer.Exit(supervise(bind_host, bind_port, workers, args))


def _audit_key_or_exit(settings: Settings):
    """Loaded before start so a bad key stops the server and a missing one is said loudly, not just logged."""
    from bot.audit.keys import AuditKeyInvalid, load_audit_key

    try:
        key = load_audit_key(settings)
    except AuditKeyInvalid as error:
        err.print(f"[bold red]감사 키 오류[/bold red] / audit key error: {error.ko}\n{error.en}", highlight=False)
        raise typer.Exit(2) from None
    if (warning := key.warning()) is not None:
        err.print(f"[bold yellow]경고 / warning:[/bold yellow] {warning[0]}\n{warning[1]}", highlight=False)
    return key


async def _serve(settings: Settings, app_config) -> None:
    from adapters.slack import SLACK
    from bot.runtime import build_runtime
    from bot.server import start_server
    from bot.workers import inherited_socket

    sock = inherited_socket()  # one of `--workers N`: the parent migrated and listens for us
    migrate = sock is None and settings.database_url.startswith("sqlite")
    runtime = await build_runtime(settings, config=app_config, migrate=migrate)
    runner = await start_server(runtime, settings.host, settings.port, sock=sock)
    mode = (
        "오프라인 모드(생성형 모델 없음) / offline mode, no generative model"
        if runtime.offline
        else "모델 연결됨 / model connected: "
        + ", ".join(
            f"{alias}→{runtime.bundle.router.targets(alias)[0].provider.id}" for alias in runtime.bundle.router.aliases
        )
    )
    out.print(f"[bold green]govbot[/bold green] {app_config.organisation.name} — {mode}")
    out.print(f"웹 채팅 / web chat: [link]{settings.public_url}[/link]")
    if SLACK in runner.app:
        how = "Socket Mode" if settings.slack_socket_mode else f"HTTP {settings.public_url.rstrip('/')}/slack/events"
        out.print(f"Slack: {how}")
    elif settings.slack_bot_token is not None:
        out.print(
            "[red]Slack이 연결되지 않았습니다. 위 로그의 설정 오류를 확인하세요. / Slack is not connected; see the log above.[/red]"
        )
    _print_teams_status(runner.app, settings)
    if settings.web_dev_login:
        out.print(
            "[yellow]개발용 사용자 선택이 켜져 있습니다. 운영에서는 GOVBOT_WEB_DEV_LOGIN=false 로 끄고 행정포털 헤더를 쓰세요.[/yellow]"
        )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
        await runtime.close()


def _print_teams_status(app, settings: Settings) -> None:
    from adapters.teams.app import TEAMS_KEY

    endpoint = app.get(TEAMS_KEY)
    if endpoint is None:
        return
    if endpoint.problems:
        out.print(
            "[red]Teams를 사용할 수 없습니다 / Teams is not usable:[/red] " + " ".join(endpoint.problems),
            highlight=False,
        )
    elif endpoint.emulator:
        out.print(
            "[yellow]GOVBOT_TEAMS_DEV_EMULATOR: 인증 없는 개발용 Teams 엔드포인트(이 컴퓨터의 연결만) / "
            "unauthenticated development Teams endpoint (connections from this machine only)[/yellow]"
        )
    else:
        out.print(f"Teams: {settings.public_url.rstrip('/')}/api/messages")


@app.command()
def chat(
    user: str = typer.Option(..., "--user", "-u", help="사용자 ID (app.yaml members의 user) / user id"),
    config: Path | None = typer.Option(None, "--config", "-c"),
) -> None:
    """터미널에서 대화합니다 / chat in the terminal."""
    settings = _settings(config)
    app_config = _load_or_exit(settings.config)
    logging.basicConfig(level="WARNING")
    _audit_key_or_exit(settings)

    async def run() -> None:
        from adapters.console import chat_loop
        from bot.runtime import build_runtime

        runtime = await build_runtime(settings, config=app_config, migrate=settings.database_url.startswith("sqlite"))
        try:
            await chat_loop(runtime.bot, user, console=out)
        finally:
            await runtime.close()

    asyncio.run(run())


@app.command()
def version() -> None:
    """버전 / version."""
    from importlib.metadata import version as dist_version

    out.print(f"govbot {dist_version('govbot')}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()

"""`govbot teams package`: the Teams app package for the admin center."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from adapters.teams.package import PackageError, build_package
from bot.cli_support import fail, out

app = typer.Typer(help="Microsoft Teams 앱 / the Teams app", no_args_is_help=True)


@app.command()
def package(
    domain: str = typer.Option(
        ..., help="govbot에 접속하는 도메인 / public domain of govbot, e.g. govbot.hanbit.go.kr"
    ),
    app_id: str | None = typer.Option(None, help="Azure Bot의 앱 id (기본: MicrosoftAppId 환경 변수)"),
    organisation: str | None = typer.Option(None, help="기관 이름 (기본: app.yaml의 organisation.name)"),
    config: Path = typer.Option(Path("app.yaml"), help="app.yaml"),
    out_path: Path = typer.Option(Path("govbot-teams.zip"), "--out", help="만들 zip 파일"),
) -> None:
    """Teams 관리 센터에 올릴 앱 패키지(zip)를 만듭니다 / build the Teams app package."""
    if organisation is None:
        from bot.cli_support import office_config

        organisation = office_config(config).organisation.name
    try:
        data = build_package(app_id or os.environ.get("MicrosoftAppId", ""), domain, organisation)  # noqa: SIM112 - Bot Framework's own name
    except PackageError as error:
        raise fail(*str(error).split(" / ", 1)) from error
    out_path.write_bytes(data)
    out.print(
        f"{out_path} ({len(data):,} bytes): Teams 관리 센터 → 앱 관리 → 앱 업로드 / upload in Teams admin center → Manage apps"
    )

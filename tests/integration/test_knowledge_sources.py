"""app.yaml collections and unreadable HWP files, checked the way an office uses them: through `govbot knowledge`."""

from __future__ import annotations

import asyncio
from pathlib import Path

import yaml
from typer.testing import CliRunner

from bot.cli import app
from tests.conftest import APP_YAML

runner = CliRunner()


async def cli(gb, config: Path, *args: str):  # type: ignore[no-untyped-def]
    env = {"GOVBOT_DATABASE_URL": gb.settings.database_url, "GOVBOT_CONFIG": str(config)}
    return await asyncio.to_thread(runner.invoke, app, list(args), env=env)


def office_with_collections(folder: Path, collections: list[dict]) -> Path:
    config = yaml.safe_load(APP_YAML.read_text(encoding="utf-8"))
    config.setdefault("knowledge", {})["collections"] = collections
    path = folder / "app.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


async def test_sync_ingests_app_yaml_collections_and_skips_unchanged_files(start_govbot, tmp_path):
    manuals = tmp_path / "지침"
    manuals.mkdir()
    (manuals / "현수막.md").write_text("# 현수막 정비\n\n불법 현수막은 매주 화요일에 수거한다.\n", encoding="utf-8")
    (manuals / "안내.txt").write_text("현수막 게시대 신청은 동 주민센터에서 받는다.", encoding="utf-8")
    (manuals / "SOURCE.md").write_text("출처 메모", encoding="utf-8")
    config = office_with_collections(
        tmp_path, [{"name": "정비지침", "paths": ["지침"], "department": "traffic", "private": True}]
    )
    async with start_govbot(offline=True) as gb:
        first = await cli(gb, config, "knowledge", "sync")
        again = await cli(gb, config, "knowledge", "sync")
        (manuals / "현수막.md").write_text("# 현수막 정비\n\n불법 현수막은 매주 목요일에 수거한다.\n", encoding="utf-8")
        changed = await cli(gb, config, "knowledge", "sync")
        own = await cli(gb, config, "knowledge", "search", "현수막 수거 요일", "--department", "traffic", "--json")
        text = await cli(gb, config, "knowledge", "search", "게시대 신청", "--department", "traffic", "--json")
        other = await cli(gb, config, "knowledge", "list", "--department", "pr")
    assert first.exit_code == 0 and "추가 2" in first.output and "실패 0" in first.output, first.output
    assert "변경 없음 2" in again.output and "추가 0" in again.output, again.output
    assert "교체 1" in changed.output and "변경 없음 1" in changed.output, changed.output
    assert "목요일" in own.output and "화요일" not in own.output  # the changed file replaced its old chunks
    assert "동 주민센터" in text.output
    assert "정비지침" not in other.output  # private to transport


async def test_a_missing_path_and_an_unreadable_hwp_are_named_with_the_way_out(start_govbot, tmp_path):
    (tmp_path / "깨진.hwp").write_bytes(b"HWP Document File but not really an OLE container")
    config = office_with_collections(tmp_path, [{"name": "법령", "paths": ["깨진.hwp", "없는폴더"]}])
    async with start_govbot(offline=True) as gb:
        result = await cli(gb, config, "knowledge", "sync")
    assert "실패 2" in result.output, result.output
    assert "HWPX나 PDF로 저장" in result.output and "save it as HWPX or PDF" in result.output
    assert "없는폴더" in result.output and "no such file or folder" in result.output

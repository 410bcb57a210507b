"""app.yaml collections (by `govbot knowledge sync` and at `govbot serve` start-up) and HWP files, checked the
way an office uses them: through `govbot knowledge`, the server log and the web chat."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import aiohttp
import yaml
from typer.testing import CliRunner

from bot.cli import app
from tests.conftest import APP_YAML, parse_config, shipped_config_data
from tests.integration.webchat import send

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


async def test_serve_loads_app_yaml_collections_in_the_background(start_govbot, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="bot.knowledge.startup")
    manuals = tmp_path / "교통지침"
    manuals.mkdir()
    (manuals / "견인.md").write_text(
        "# 견인 지침\n\n견인 보관소는 한빛로 45에 있으며 24시간 운영한다.\n", encoding="utf-8"
    )
    (manuals / "깨진.hwp").write_bytes(b"not a HWP file at all")
    data = shipped_config_data()
    data["providers"], data["models"] = [], {}
    data["knowledge"] = {"collections": [{"name": "교통지침", "paths": [str(manuals)], "department": "traffic"}]}
    config = parse_config(yaml.safe_dump(data, allow_unicode=True))
    async with start_govbot(config=config) as gb:
        async with aiohttp.ClientSession() as session, session.get(f"{gb.url}/healthz") as health:
            assert health.status == 200  # serving while the collections load
        found = None
        for _ in range(120):
            found = await send(gb.url, "/search 견인 보관소 어디 있어", user="kim.minsu")
            if "한빛로 45" in found.text:
                break
            await asyncio.sleep(0.25)
    assert found is not None and "한빛로 45" in found.text, found.text if found else None
    logged = caplog.text
    assert "loading 1 app.yaml collection(s) in the background: 교통지침" in logged
    assert "교통지침: added 1, replaced 0, unchanged 0, failed 1" in logged
    assert "깨진.hwp" in logged and "save it as HWPX or PDF" in logged


async def test_a_hwp_attached_in_chat_reaches_the_hwp_reader(start_govbot):
    files = [("예규.hwp", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "application/x-hwp")]
    async with start_govbot(offline=True) as gb:
        reply = await send(gb.url, "/knowledge add 교통예규", user="kim.minsu", files=files)
    assert "실패 1" in reply.text and "예규.hwp" in reply.text, reply.text
    assert "HWPX나 PDF로 저장" in reply.text and "save it as HWPX or PDF" in reply.text

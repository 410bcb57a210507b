"""`govbot teams package`: the app package an admin uploads to Teams."""

from __future__ import annotations

import io
import json
import struct
import zipfile

from typer.testing import CliRunner

from bot.cli import app

APP_ID = "3F5E8A1C-0000-4000-8000-000000000001"


def test_package_has_the_filled_manifest_and_both_icons(tmp_path):
    target = tmp_path / "govbot-teams.zip"
    result = CliRunner().invoke(
        app, ["teams", "package", "--domain", "govbot.hanbit.go.kr", "--app-id", APP_ID, "--out", str(target)]
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(io.BytesIO(target.read_bytes())) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        sizes = {name: struct.unpack(">II", archive.read(name)[16:24]) for name in ("color.png", "outline.png")}
    assert manifest["id"] == APP_ID.lower() and manifest["bots"][0]["botId"] == APP_ID.lower()
    assert manifest["bots"][0]["supportsFiles"] is True
    assert set(manifest["bots"][0]["scopes"]) == {"personal", "team", "groupChat"}
    assert manifest["validDomains"] == ["govbot.hanbit.go.kr"]
    assert manifest["developer"]["name"] == "한빛구청" and "한빛구청" in manifest["name"]["full"]
    assert "{{" not in json.dumps(manifest, ensure_ascii=False)
    assert sizes == {"color.png": (192, 192), "outline.png": (32, 32)}


def test_bad_app_id_or_domain_is_explained(tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "teams",
            "package",
            "--domain",
            "govbot.hanbit.go.kr",
            "--app-id",
            "not-a-guid",
            "--out",
            str(tmp_path / "x.zip"),
        ],
    )
    assert result.exit_code == 2 and "MicrosoftAppId" in result.output
    result = CliRunner().invoke(
        app, ["teams", "package", "--domain", "http://x", "--app-id", APP_ID, "--out", str(tmp_path / "x.zip")]
    )
    assert result.exit_code == 2 and "도메인" in result.output
    assert not (tmp_path / "x.zip").exists()

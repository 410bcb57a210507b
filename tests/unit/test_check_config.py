"""`govbot check-config` as an admin uses it: every error named by YAML path and line, Korean and English."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def check(tmp_path: Path, text: str):
    path = tmp_path / "app.yaml"
    path.write_text(text, encoding="utf-8")
    return runner.invoke(app, ["check-config", str(path)])


def test_shipped_app_yaml_is_valid():
    result = runner.invoke(app, ["check-config", str(ROOT / "app.yaml")])
    assert result.exit_code == 0, result.output
    assert "설정이 올바릅니다" in result.output and "한빛구청" in result.output


BROKEN = """\
organisation:
  name: 시험구청
  timezone: Asia/Nowhere
providers:
  - id: onprem
    kind: openai
    base_url: http://127.0.0.1:8000/v1
    timout_seconds: 5
models:
  default:
    - { provider: cloud, model: gpt-4o-mini }
departments:
  - id: traffic
    name: 교통행정과
    quota: { tokens_per_day: 많이 }
    admins: [nobody]
    members:
      - { user: kim, name: 김민수, role: boss }
"""


def test_broken_config_lists_every_error_with_path_and_line(tmp_path):
    result = check(tmp_path, BROKEN)
    assert result.exit_code == 2
    out = result.output
    assert "organisation.timezone (줄/line 3)" in out and "알 수 없는 시간대 'Asia/Nowhere'" in out
    assert "providers[0].timout_seconds (줄/line 8)" in out and "알 수 없는 항목" in out and "Unknown key" in out
    assert "departments[0].quota.tokens_per_day (줄/line 15)" in out and "정수여야" in out
    assert "departments[0].members[0].role (줄/line 18)" in out and "'member', 'editor' or 'admin'" in out


def test_reference_errors_are_reported_after_types_are_right(tmp_path):
    text = BROKEN.replace("timezone: Asia/Nowhere", "timezone: Asia/Seoul").replace("    timout_seconds: 5\n", "")
    text = text.replace("많이", "1000").replace("role: boss", "role: admin")
    result = check(tmp_path, text)
    assert result.exit_code == 2
    assert "models.default[0].provider (줄/line 10)" in result.output and "'cloud'" in result.output
    assert "departments[0].admins[0] (줄/line 15)" in result.output and "'nobody'" in result.output


def test_yaml_syntax_error_names_the_line(tmp_path):
    result = check(tmp_path, "organisation:\n  name: [시험\n")
    assert result.exit_code == 2
    assert "YAML 문법 오류" in result.output and "줄/line 3" in result.output


def test_missing_file_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["check-config", str(tmp_path / "없음.yaml")])
    assert result.exit_code == 2
    assert "설정 파일이 없습니다" in result.output

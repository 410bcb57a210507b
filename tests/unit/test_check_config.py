"""`govbot check-config` as an admin uses it: every error named by YAML path and line, Korean and English."""

from __future__ import annotations

from pathlib import Path

import pytest
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


def test_absurd_limits_are_rejected_with_the_range(tmp_path):
    # Limits past int32 used to pass and then fail every call on PostgreSQL; past 2^53 they are typos.
    text = (ROOT / "app.yaml").read_text(encoding="utf-8")
    text = text.replace("requests_per_day: 2000,", "requests_per_day: 99999999999999999999,", 1)
    result = check(tmp_path, text)
    assert result.exit_code == 2
    assert "departments[0].quota.requests_per_day" in result.output
    assert "9,007,199,254,740,992 이하" in result.output and "between 0 and 9,007,199,254,740,992" in result.output


def test_large_but_sane_limits_are_valid(tmp_path):
    text = (ROOT / "app.yaml").read_text(encoding="utf-8")
    text = text.replace("tokens_per_month: 3000000,", "tokens_per_month: 5000000000,", 1)
    assert check(tmp_path, text).exit_code == 0


def test_unset_provider_key_is_a_warning_that_names_the_variable(tmp_path, monkeypatch):
    # Before: "valid", and serve then silently answered from the offline engine.
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("ONPREM_LLM_KEY", "on-premises-key")
    result = runner.invoke(app, ["check-config", str(ROOT / "app.yaml")])
    assert result.exit_code == 0
    assert "경고 1건" in result.output and "providers[1].api_key_env" in result.output
    assert "OPENAI_API_KEY" in result.output and "ONPREM_LLM_KEY" not in result.output
    assert "on-premises-key" not in result.output


def test_department_model_list_must_name_known_aliases(tmp_path):
    text = (ROOT / "app.yaml").read_text(encoding="utf-8")
    text = text.replace("    admins: [park.jiyoung]\n", "    admins: [park.jiyoung]\n    models: [default, gpt5]\n", 1)
    result = check(tmp_path, text)
    assert result.exit_code == 2
    assert "departments[0].models[1]" in result.output and "'gpt5'" in result.output


def test_office_admins_must_be_members_of_some_department(tmp_path):
    text = BROKEN.replace("timezone: Asia/Nowhere", "timezone: Asia/Seoul\n  admins: [kim, 유령]")
    text = text.replace("    timout_seconds: 5\n", "").replace("tokens_per_day: 많이", "tokens_per_day: 10")
    text = text.replace("role: boss", "role: editor")
    result = check(tmp_path, text)
    assert result.exit_code == 2
    assert "organisation.admins[1]" in result.output and "기관 관리자 '유령'" in result.output
    assert "Office admin '유령' is not a member of any department" in result.output
    assert "organisation.admins[0]" not in result.output  # kim is a member of traffic


def test_an_unknown_embeddings_alias_is_refused_when_app_yaml_is_read():
    import yaml

    from bot.config import ConfigInvalid
    from tests.conftest import parse_config, shipped_config_data

    data = shipped_config_data()
    data.setdefault("knowledge", {})["embeddings"] = {"model": "no-such-alias"}
    with pytest.raises(ConfigInvalid) as refused:
        parse_config(yaml.safe_dump(data, allow_unicode=True))
    assert "no-such-alias" in str(refused.value)
    data["models"]["embed"] = [{"provider": "onprem", "model": "bge-m3"}]
    data["knowledge"]["embeddings"] = {"model": "embed"}
    assert parse_config(yaml.safe_dump(data, allow_unicode=True)).knowledge.embeddings.model == "embed"


def test_an_assistant_tool_that_is_not_registered_is_refused_with_its_path(tmp_path):
    """Before: an unknown name in `tools:` was silently dropped and the assistant answered without its tool."""
    text = (ROOT / "app.yaml").read_text(encoding="utf-8")
    listed = "    skills: [complaint_triage, meal_costs, committee_check]\n"
    assert listed in text
    text = text.replace(listed, listed + "    tools: [meal_costs, meal_cost]\n", 1)
    result = check(tmp_path, text)
    assert result.exit_code == 2
    out = result.output
    assert "assistants[0].tools[1]" in out and "assistants[0].tools[0]" not in out
    assert "등록되지 않은 도구 'meal_cost'" in out and "No tool named 'meal_cost' is registered" in out
    assert "meal_costs" in out and "travel_expenses" in out  # the names that may be used instead


def test_every_registered_tool_name_passes(tmp_path):
    text = (ROOT / "app.yaml").read_text(encoding="utf-8")
    listed = "    skills: [complaint_triage, meal_costs, committee_check]\n"
    text = text.replace(listed, listed + "    tools: [travel_expenses, meal_costs, committee_check]\n", 1)
    assert check(tmp_path, text).exit_code == 0

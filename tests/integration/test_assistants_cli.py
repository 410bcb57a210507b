"""`govbot assistants list|show|export|import`: moving department assistants from a test office to
production as YAML, all or nothing."""

from __future__ import annotations

import yaml

from tests.integration.test_audit import cli
from tests.integration.webchat import send

PROMPT = "당신은 한빛구청 교통행정과의 불법주정차 민원 회신 도우미입니다."


async def test_export_from_one_installation_and_import_into_another(start_govbot, fake_openai, tmp_path):
    exported = tmp_path / "assistants.yaml"
    async with start_govbot() as test_office:
        await send(test_office.url, f"/assistant create 주차 민원 답변\n{PROMPT}")
        await send(
            test_office.url,
            "/assistant edit 주차 민원 답변\ntemplate: [요지, 답변]\nstarters: [킥보드 방치 민원 회신문 써 줘]",
        )
        listing = await cli(test_office, "assistants", "list")
        result = await cli(test_office, "assistants", "export", "--out", str(exported))
        [(state, _)] = await test_office.runtime.store.assistants.latest("traffic")
        shown = await cli(test_office, "assistants", "show", state.id, "--version", "1")
    assert listing.exit_code == 0 and "AI 대변인" in listing.output and "주차 민원 답변" in listing.output
    assert result.exit_code == 0, result.output
    document = yaml.safe_load(exported.read_text(encoding="utf-8"))
    [entry] = document["assistants"]
    assert entry["name"] == "주차 민원 답변" and entry["department"] == "traffic" and entry["published"] is False
    assert [s["heading"] for s in entry["template"]] == ["요지", "답변"] and entry["system_prompt"].strip() == PROMPT
    assert (
        shown.exit_code == 0 and "template" not in shown.output and PROMPT in shown.output
    )  # version 1 had no template

    async with start_govbot() as production:
        imported = await cli(production, "assistants", "import", str(exported), "--by", "kim.minsu", "--publish")
        assert imported.exit_code == 0, imported.output
        assert "주차 민원 답변" in (await send(production.url, "/assistants", user="lee.seoyeon")).shown
        await send(production.url, "@주차 민원 답변 킥보드 방치 민원 회신문", user="lee.seoyeon")
        system = fake_openai.requests[-1]["messages"][0]["content"]
        assert PROMPT in system and "## 요지" in system

        again = await cli(production, "assistants", "import", str(exported), "--by", "kim.minsu")
        assert again.exit_code == 0 and "버전 2" in again.output

        # One bad entry stops the whole file: nothing changes.
        document["assistants"].append({**entry, "name": "회신 점검", "system_prompt": "민원인 900101-1234568 확인"})
        bad = tmp_path / "bad.yaml"
        bad.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
        refused = await cli(production, "assistants", "import", str(bad), "--by", "kim.minsu")
        member = await cli(production, "assistants", "import", str(exported), "--by", "lee.seoyeon")
        not_export = tmp_path / "other.yaml"
        not_export.write_text("name: 아무거나\n", encoding="utf-8")
        wrong_file = await cli(production, "assistants", "import", str(not_export), "--by", "kim.minsu")
        [(state, spec)] = await production.runtime.store.assistants.latest("traffic")
    assert (
        refused.exit_code == 2
        and "2번째" in refused.output
        and "주민등록번호" in refused.output
        and "900101" not in refused.output
    )
    assert member.exit_code == 2 and "편집자" in member.output
    assert wrong_file.exit_code == 2 and "export" in wrong_file.output
    assert state.latest_version == 2 and state.published_version == 1 and spec.name == "주차 민원 답변"

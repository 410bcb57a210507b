"""Who may change a knowledge collection, checked as officials meet it: `/knowledge add|remove` in the web chat
and `govbot knowledge add|remove --by` on the CLI. A department's editors and admins add to its collections, its
admins remove them, office admins (app.yaml organisation.admins: han.sujin) change office-wide ones."""

from __future__ import annotations

from pathlib import Path

from tests.integration.test_audit import cli
from tests.integration.test_knowledge import json_of
from tests.integration.webchat import send
from tests.support.documents import hwpx_bytes

MANUAL = hwpx_bytes(
    ["# 불법 주정차 단속 지침", "## 견인 절차", "견인 차량은 단속 후 30분이 지나면 견인 보관소로 옮긴다."]
)
NOTICE = hwpx_bytes(["# 현수막 게시대 운영 지침", "게시대 현수막은 게시 기간이 끝나면 다음 날 철거한다."])
FILES = [("단속지침.hwpx", MANUAL, "application/octet-stream")]


def write_manual(folder: Path) -> Path:
    path = folder / "견인.md"
    path.write_text("# 견인 지침\n\n견인 보관소는 한빛로 45에 있으며 24시간 운영한다.\n", encoding="utf-8")
    return path


async def test_chat_add_is_for_editors_of_the_owning_department_and_office_admins(start_govbot, tmp_path):
    manual = write_manual(tmp_path)
    async with start_govbot(offline=True) as gb:
        # 교통행정과's collection, visible to the whole office; 법령 is office-wide
        created = await cli(
            gb, "knowledge", "add", "교통지침", str(manual), "--department", "traffic", "--by", "park.jiyoung"
        )
        office = await cli(gb, "knowledge", "add", "법령", str(manual), "--by", "han.sujin")
        member = await send(gb.url, "/knowledge add 교통지침", user="lee.seoyeon", files=FILES)
        other_editor = await send(gb.url, "/knowledge add 교통지침", user="jung.eunji", files=FILES)
        editor = await send(gb.url, "/knowledge add 교통지침", user="kim.minsu", files=FILES)
        editor_office = await send(gb.url, "/knowledge add 법령", user="kim.minsu", files=FILES)
        office_admin = await send(gb.url, "/knowledge add 법령", user="han.sujin", files=FILES)
        found = await cli(gb, "knowledge", "search", "견인 보관소 옮기는 시간", "-c", "교통지침", "--json")
        listed = await cli(gb, "knowledge", "list", "교통지침", "--department", "traffic")
    assert created.exit_code == 0 and office.exit_code == 0, created.output + office.output
    assert member.reply["kind"] == "refusal" and "편집자" in member.text
    assert other_editor.reply["kind"] == "refusal" and "교통행정과의 모음" in other_editor.text
    assert editor.reply["kind"] == "info" and "추가 1" in editor.text, editor.text
    assert editor_office.reply["kind"] == "refusal" and "기관 관리자" in editor_office.text
    assert "기관 전체" in office_admin.text and "추가 1" in office_admin.text, office_admin.text
    assert any("30분" in r["text"] for r in json_of(found)["results"])
    assert listed.output.count("단속지침.hwpx") == 1  # only the editor's add reached the collection


async def test_chat_remove_is_admin_only_and_asks_first(start_govbot, tmp_path):
    async with start_govbot(offline=True) as gb:
        added = await send(gb.url, "/knowledge add 단속 매뉴얼", user="kim.minsu", files=FILES)
        editor = await send(gb.url, "/knowledge remove 단속 매뉴얼 확인", user="kim.minsu")
        other_admin = await send(gb.url, "/knowledge remove 단속 매뉴얼 확인", user="choi.hyunwoo")
        asked = await send(gb.url, "/knowledge remove 단속 매뉴얼", user="park.jiyoung")
        still = await cli(gb, "knowledge", "list", "--department", "traffic")
        removed = await send(gb.url, "/knowledge remove 단속 매뉴얼 확인", user="park.jiyoung")
        gone = await cli(gb, "knowledge", "list", "--department", "traffic")
        again = await send(gb.url, "/knowledge remove 단속 매뉴얼 확인", user="park.jiyoung")
    assert "추가 1" in added.text, added.text
    assert editor.reply["kind"] == "refusal" and "관리자만" in editor.text
    assert "모음이 없습니다" in other_admin.text  # a private collection of 교통행정과: 홍보담당관 cannot even see it
    assert "되돌릴 수 없" in asked.text and "/knowledge remove 단속 매뉴얼 확인" in asked.text
    assert "단속 매뉴얼" in still.output  # asking removed nothing
    assert "지웠습니다" in removed.text and "/knowledge add 단속 매뉴얼" in removed.text  # how to undo it
    assert "단속 매뉴얼" not in gone.output
    assert "모음이 없습니다" in again.text


async def test_cli_add_and_remove_check_the_official_named_by(start_govbot, tmp_path):
    manual = write_manual(tmp_path)
    traffic = ("--department", "traffic")
    async with start_govbot(offline=True) as gb:
        other_editor = await cli(gb, "knowledge", "add", "교통지침", str(manual), *traffic, "--by", "jung.eunji")
        member = await cli(gb, "knowledge", "add", "교통지침", str(manual), *traffic, "--by", "lee.seoyeon")
        editor = await cli(gb, "knowledge", "add", "교통지침", str(manual), *traffic, "--by", "kim.minsu")
        editor_office = await cli(gb, "knowledge", "add", "법령", str(manual), "--by", "kim.minsu")
        dept_admin_office = await cli(gb, "knowledge", "add", "법령", str(manual), "--by", "park.jiyoung")
        office_admin = await cli(gb, "knowledge", "add", "법령", str(manual), "--by", "han.sujin")
        editor_remove = await cli(gb, "knowledge", "remove", "교통지침", *traffic, "--by", "kim.minsu")
        other_admin_remove = await cli(gb, "knowledge", "remove", "교통지침", *traffic, "--by", "choi.hyunwoo")
        # a `/role` grant counts on the CLI too (bot/roles.py)
        await send(gb.url, "/role lee.seoyeon admin", user="park.jiyoung")
        granted_remove = await cli(gb, "knowledge", "remove", "교통지침", *traffic, "--by", "lee.seoyeon")
        office_remove = await cli(gb, "knowledge", "remove", "법령", "--by", "park.jiyoung")
        listed = await cli(gb, "knowledge", "list", "--department", "traffic")
    assert other_editor.exit_code == 2 and "'jung.eunji' is not an editor or admin of 교통행정과" in other_editor.output
    assert member.exit_code == 2 and "편집자나 관리자가 아닙니다" in member.output
    assert editor.exit_code == 0 and "추가 1" in editor.output, editor.output
    assert editor_office.exit_code == 2 and "기관 관리자가 아닙니다" in editor_office.output
    assert dept_admin_office.exit_code == 2 and "organisation.admins" in dept_admin_office.output
    assert office_admin.exit_code == 0, office_admin.output
    assert editor_remove.exit_code == 2 and "is not an admin of 교통행정과" in editor_remove.output
    assert other_admin_remove.exit_code == 2
    assert granted_remove.exit_code == 0 and "지웠습니다" in granted_remove.output, granted_remove.output
    assert office_remove.exit_code == 2
    assert "교통지침" not in listed.output and "법령" in listed.output

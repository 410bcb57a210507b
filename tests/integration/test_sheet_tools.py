"""`/식비` and `/위원회 점검` with attached XLSX files through the web chat, Slack and Teams: the same figures as the
hand-checked unit cases, the result as a downloadable XLSX, names masked in the chat, and no model call or quota."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import aiohttp
import openpyxl
import pytest

from tests.fakes.bot_connector import FakeBotConnector
from tests.fakes.slack_server import FakeSlack
from tests.integration.slack_support import block_texts, direct_message, send_event
from tests.integration.teams import personal_message, post_activity
from tests.integration.test_teams import texts_of
from tests.integration.webchat import send
from tests.support.sheets import XLSX, committee_files, flat, read_back, workbook


@pytest.fixture
async def connector() -> AsyncIterator[FakeBotConnector]:
    server = await FakeBotConnector().start()
    yield server
    await server.stop()


def parts_of(reply: dict, kind: str) -> list[dict]:
    return [p for p in reply["parts"] if p["type"] == kind]


async def download(base_url: str, url: str, user: str = "kim.minsu") -> tuple[int, bytes]:
    async with aiohttp.ClientSession() as session:
        async with session.get(base_url + url, headers={"X-Forwarded-User": user}) as response:
            return response.status, await response.read()


def people_in(data: bytes) -> dict[tuple[str, str], tuple[int, int, int]]:
    return {(r["성명"], r["부서"]): (r["식수"], r["금액"], r["표시 건수"]) for r in read_back(data, "개인별")}


# The hand-checked figures of tests/unit/test_meal_tool.py (see its docstring).
PEOPLE = {
    ("김민수", "총무과"): (3, 25_000, 2),
    ("이영희", "총무과"): (1, 7_000, 1),
    ("박철호", "교통행정과"): (3, 24_500, 2),
}


async def test_web_chat_meal_costs_with_the_result_xlsx_only_for_the_official(start_govbot, fake_openai):
    async with start_govbot() as gb:
        result = await send(gb.url, "/식비", files=[("3월식비.xlsx", flat(), XLSX)])
        reply = result.reply
        assert reply and reply["kind"] == "answer", result
        assert "56,500원" in reply["text"] and "중복 1건" in reply["text"] and "한도 초과 2건" in reply["text"]
        assert "| 총무과 | 2 | 4 | 32,000 | 3 |" in reply["text"] and "| 2026-04 | 1 | 8,000 | 0 |" in reply["text"]
        assert "김민수" not in result.shown  # names only in the file
        file_part = parts_of(reply, "file")[0]
        status, data = await download(gb.url, file_part["url"])
        assert status == 200 and people_in(data) == PEOPLE
        other, _ = await download(gb.url, file_part["url"], user="lee.jiwon")
        assert other != 200  # a download token is its owner's alone
        march = await send(gb.url, "/식비 2026-03 한도 8500", files=[("3월식비.xlsx", flat(), XLSX)], thread="t2")
        assert "48,500원" in march.text and "한도 초과 1건" in march.text
    assert fake_openai.requests == []  # computed, not asked of a model


async def test_web_chat_refuses_what_it_cannot_read_with_what_to_do(start_govbot, fake_openai):
    async with start_govbot(offline=True) as gb:
        bare = await send(gb.url, "/식비")
        assert bare.reply["kind"] == "error" and "첨부" in bare.text
        old = await send(gb.url, "/식비", files=[("식비.xls", b"\xd0\xcf\x11\xe0old", "application/vnd.ms-excel")])
        assert old.reply["kind"] == "error" and "식비.xls" in old.text
        headless = workbook({"Sheet1": [("가", "나"), (1, 2)]})
        missing = await send(gb.url, "/식비", files=[("표.xlsx", headless, XLSX)])
        assert missing.reply["kind"] == "error" and "머리글" in missing.text and "성명" in missing.text
        wrong = await send(gb.url, "/위원회 명단", files=[("명단.xlsx", headless, XLSX)])
        assert wrong.reply["kind"] == "error" and "/위원회 점검" in wrong.text


async def test_web_chat_committee_check_masks_names_and_the_file_has_them(start_govbot, fake_openai):
    files = [(name, data, XLSX) for name, data in committee_files()]
    async with start_govbot(offline=True) as gb:
        result = await send(gb.url, "/위원회 점검", files=files)
        assert result.reply["kind"] == "answer", result
        assert "홍*동" in result.shown and "| 6 |" in result.text and "1명" in result.text
        for secret in ("홍길동", "1970", "010-1111-2222", "김영수"):
            assert secret not in result.shown, secret
        status, data = await download(gb.url, parts_of(result.reply, "file")[0]["url"])
        over = read_back(data, "상한 초과")
        assert status == 200 and [(r["성명"], r["위원회 수"]) for r in over] == [("홍길동 위원", 6)]
        two = await send(gb.url, "/위원회 점검 한도 2", files=files, thread="t2")
        assert "2명" in two.text and "김*수" in two.shown


async def test_slack_dm_with_a_workbook_gets_the_figures_and_the_xlsx_uploaded(slack_govbot, fake_slack: FakeSlack):
    entry = fake_slack.add_file("F0XLSX0001", "3월식비.xlsx", flat(), XLSX)
    async with slack_govbot() as gb:
        await send_event(gb.url, direct_message("/식비", files=[entry]))
        await fake_slack.wait_for(lambda: fake_slack.called("files.completeUploadExternal"), timeout=60)
        shown = await fake_slack.wait_for(
            lambda: [
                c
                for c in fake_slack.called("chat.update") + fake_slack.called("chat.postMessage")
                if "56,500" in block_texts(c.args.get("blocks")) + str(c.args.get("text", ""))
            ],
            timeout=60,
        )
    assert shown
    uploaded = [data for data in fake_slack.uploads.values() if data.startswith(b"PK")]
    assert len(uploaded) == 1 and people_in(uploaded[0]) == PEOPLE


async def test_slack_committee_check_over_several_files_asked_in_words(slack_govbot, fake_slack: FakeSlack):
    """Slack's client keeps a leading "/" for its own slash commands (which carry no files): words work too."""
    entries = [
        fake_slack.add_file(f"F0CMT000{i}", name, data, XLSX) for i, (name, data) in enumerate(committee_files())
    ]
    async with slack_govbot() as gb:
        await send_event(gb.url, direct_message("위원회 중복 위촉 점검해줘", files=entries))
        await fake_slack.wait_for(lambda: fake_slack.called("files.completeUploadExternal"), timeout=60)
        shown = await fake_slack.wait_for(
            lambda: [
                c
                for c in fake_slack.called("chat.update") + fake_slack.called("chat.postMessage")
                if "홍*동" in block_texts(c.args.get("blocks")) + str(c.args.get("text", ""))
            ],
            timeout=60,
        )
    text = block_texts(shown[-1].args.get("blocks")) + str(shown[-1].args.get("text", ""))
    assert "홍길동" not in text and "010-1111-2222" not in text
    uploaded = [data for data in fake_slack.uploads.values() if data.startswith(b"PK")]
    assert [r["성명"] for r in read_back(uploaded[0], "상한 초과")] == ["홍길동 위원"]


def teams_file_message(connector, text: str, files: list[tuple[str, bytes]]) -> dict:
    activity = personal_message(connector.url, text)
    activity["attachments"] = [{"contentType": "text/html", "content": f"<p>{text}</p>"}]
    for name, data in files:
        connector.files[name] = data
        activity["attachments"].append(
            {
                "contentType": "application/vnd.microsoft.teams.file.download.info",
                "name": name,
                "content": {"downloadUrl": connector.url + "files/" + name, "uniqueId": name, "fileType": "xlsx"},
            }
        )
    return activity


def file_links(card: dict) -> list[str]:
    return [a["url"] for a in card.get("actions", []) if a.get("type") == "Action.OpenUrl"]


async def fetch(url: str) -> bytes:
    async with aiohttp.ClientSession() as session:
        async with session.get(url) as response:
            assert response.status == 200
            return await response.read()


async def test_teams_personal_chat_meal_costs_and_committee_check(start_govbot, fake_openai, connector):
    async with start_govbot(teams_onprem_file_hosts=[f"127.0.0.1:{connector.port}"], teams_dev_emulator=True) as gb:
        await post_activity(gb.url, teams_file_message(connector, "/식비", [("meals.xlsx", flat())]))
        meals = await connector.wait_for(
            lambda c: [m for m in c.messages() if m.card and "56,500" in texts_of(m.card)], timeout=60
        )
        links = file_links(meals[-1].card)
        assert len(links) == 1 and people_in(await fetch(links[0])) == PEOPLE

        await post_activity(gb.url, teams_file_message(connector, "/위원회 점검", committee_files()))
        checked = await connector.wait_for(
            lambda c: [m for m in c.messages() if m.card and "홍*동" in texts_of(m.card)], timeout=60
        )
        card = checked[-1].card
        assert "홍길동" not in texts_of(card)
        book = openpyxl.load_workbook(io.BytesIO(await fetch(file_links(card)[0])), read_only=True)
        assert "상한 초과" in book.sheetnames
    assert fake_openai.requests == []

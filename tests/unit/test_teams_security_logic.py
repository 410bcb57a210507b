"""The pure decisions behind the Teams endpoint's security fixes: which mode serves, what is loopback, which
activities are complete, which settings `govbot check-config` refuses, and Markdown tables found in answers."""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from adapters.teams.activities import missing_fields
from adapters.teams.cards import MAX_CARD_BYTES, card_size, reply_card, split_markdown_tables
from adapters.teams.credentials import BotFrameworkConfig
from adapters.teams.mode import TeamsMode, endpoint_problems, setup_problems, teams_mode
from adapters.teams.netcheck import is_loopback_address, is_loopback_url, server_origin
from bot.cli import app
from bot.conversation import Reply, Table

ROOT = Path(__file__).resolve().parents[2]
APP = BotFrameworkConfig(APP_ID="3f5e8a1c-0000-4000-8000-000000000001", APP_PASSWORD="secret")
NONE = BotFrameworkConfig()

# ---- which mode -------------------------------------------------------------------------------------------------


def test_no_app_id_and_no_switch_means_no_endpoint():
    assert teams_mode(NONE, dev_emulator=False) is TeamsMode.OFF
    assert teams_mode(NONE, dev_emulator=True) is TeamsMode.EMULATOR
    # An app id always wins: the development switch can never turn token checks off.
    assert teams_mode(APP, dev_emulator=True) is TeamsMode.BOT_SERVICE
    assert teams_mode(APP, dev_emulator=False) is TeamsMode.BOT_SERVICE


def test_endpoint_problems_name_what_to_set():
    assert endpoint_problems(NONE, dev_emulator=False, public_url=None, web_dev_login=False) == []
    assert endpoint_problems(NONE, dev_emulator=True, public_url=None, web_dev_login=True) == []
    production = endpoint_problems(NONE, dev_emulator=True, public_url=None, web_dev_login=False)
    assert (
        len(production) == 1
        and "GOVBOT_TEAMS_DEV_EMULATOR" in production[0]
        and "GOVBOT_WEB_DEV_LOGIN" in production[0]
    )
    missing = endpoint_problems(APP, dev_emulator=False, public_url=None, web_dev_login=False)
    assert len(missing) == 1 and "GOVBOT_TEAMS_PUBLIC_URL" in missing[0] and "Host" in missing[0]
    bad = endpoint_problems(APP, dev_emulator=False, public_url="govbot.hanbit.go.kr", web_dev_login=False)
    assert len(bad) == 1 and "govbot.hanbit.go.kr" in bad[0]
    assert (
        endpoint_problems(APP, dev_emulator=False, public_url="https://govbot.hanbit.go.kr", web_dev_login=False) == []
    )


def test_setup_problems_warn_when_the_switch_is_moot():
    found = setup_problems(APP, dev_emulator=True, public_url="https://govbot.hanbit.go.kr", web_dev_login=True)
    assert [p.fatal for p in found] == [False] and "무시" in found[0].message


# ---- loopback checks --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:3978/", True),
        ("http://127.8.9.1/", True),
        ("https://localhost:8443/api", True),
        ("http://[::1]:3978/", True),
        ("http://[::ffff:127.0.0.1]/", True),
        ("", False),
        ("   ", False),
        ("127.0.0.1:3978", False),  # no scheme
        ("//127.0.0.1/", False),
        ("ftp://127.0.0.1/", False),
        ("https://smba.trafficmanager.net/kr/", False),
        ("http://evil.example\\@127.0.0.1/", False),  # parsers disagree on the host: refuse
        ("http://evil.example@127.0.0.1/", False),
        ("http://127.0.0.1@evil.example/", False),
        ("http://localhost.evil.example/", False),
        ("http://127.0.0.1.nip.io/", False),
        ("http://0.0.0.0/", False),
        ("http://127.0.0.1:99999/", False),
        ("http://127.0.0.1\t.evil/", False),
    ],
)
def test_loopback_urls(url, expected):
    assert is_loopback_url(url) is expected


@given(st.ip_addresses())
def test_loopback_address_agrees_with_the_standard_library(address):
    expected = address.is_loopback or (
        isinstance(address, ipaddress.IPv6Address)
        and address.ipv4_mapped is not None
        and address.ipv4_mapped.is_loopback
    )
    assert is_loopback_address(str(address)) is expected


@given(st.text(max_size=40), st.text(max_size=40))
def test_urls_with_user_info_or_backslashes_are_never_loopback(left, right):
    assert not is_loopback_url(f"http://{left}@{right}")
    assert not is_loopback_url(f"http://{left}\\{right}")


def test_peer_and_server_addresses():
    assert not is_loopback_address("") and not is_loopback_address("localhost")  # names are never resolved
    assert is_loopback_address("::1") and not is_loopback_address("10.0.0.5")
    assert server_origin(("127.0.0.1", 8080)) == "http://127.0.0.1:8080"
    assert server_origin(("::1", 8080, 0, 0)) == "http://[::1]:8080"
    assert server_origin("/tmp/govbot.sock") == "http://127.0.0.1"


# ---- complete activities ----------------------------------------------------------------------------------------


def test_missing_fields_of_an_activity():
    full = {
        "type": "message",
        "serviceUrl": "https://smba.trafficmanager.net/kr/",
        "conversation": {"id": "a:1"},
        "from": {"id": "29:kim"},
        "recipient": {"id": "28:govbot"},
    }
    assert missing_fields(full) == []
    assert missing_fields({**full, "serviceUrl": " "}) == ["serviceUrl"]
    assert missing_fields({**full, "conversation": None}) == ["conversation.id"]
    assert missing_fields({**full, "conversation": "a:1"}) == ["conversation.id"]
    assert missing_fields({**full, "from": {}, "recipient": {"id": 5}}) == ["from.id", "recipient.id"]
    assert missing_fields({"type": "message"}) == ["serviceUrl", "conversation.id", "from.id", "recipient.id"]


# ---- govbot check-config ----------------------------------------------------------------------------------------

runner = CliRunner()
ENV_NAMES = (
    "MicrosoftAppId",
    "MicrosoftAppPassword",
    "MicrosoftAppType",
    "MicrosoftAppTenantId",
    "GOVBOT_TEAMS_DEV_EMULATOR",
    "GOVBOT_TEAMS_PUBLIC_URL",
    "GOVBOT_WEB_DEV_LOGIN",
)


@pytest.fixture
def environment(monkeypatch, tmp_path):
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env

    def check(**env: str):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runner.invoke(app, ["check-config", str(ROOT / "app.yaml")])

    return check


def test_check_config_refuses_the_emulator_in_production(environment):
    result = environment(GOVBOT_TEAMS_DEV_EMULATOR="true", GOVBOT_WEB_DEV_LOGIN="false")
    assert result.exit_code == 2
    assert "GOVBOT_TEAMS_DEV_EMULATOR" in result.output and "설정이 올바릅니다" not in result.output


def test_check_config_requires_the_public_url_with_an_app_id(environment):
    result = environment(MicrosoftAppId=APP.APP_ID, MicrosoftAppPassword="secret")
    assert result.exit_code == 2 and "GOVBOT_TEAMS_PUBLIC_URL" in result.output


def test_check_config_accepts_a_complete_teams_setup_and_plain_development(environment, monkeypatch):
    assert environment().exit_code == 0  # no Teams at all
    assert environment(GOVBOT_TEAMS_DEV_EMULATOR="true").exit_code == 0  # development (web dev login on)
    monkeypatch.delenv("GOVBOT_TEAMS_DEV_EMULATOR")
    result = environment(
        MicrosoftAppId=APP.APP_ID, MicrosoftAppPassword="secret", GOVBOT_TEAMS_PUBLIC_URL="https://govbot.hanbit.go.kr"
    )
    assert result.exit_code == 0, result.output


# ---- Markdown tables --------------------------------------------------------------------------------------------


def test_tables_are_found_between_text_but_not_in_code_or_lists():
    text = (
        "현황입니다.\n\n| 부서 | 건수 |\n|:--|--:|\n| 도로과 | 3 |\n| 교통\\|행정과 | 2 | 9 |\n| 민원과 |\n\n이상입니다.\n"
        "```\n| 코드 | 블록 |\n|---|---|\n```\n- 목록\n\n  | 안 | 쪽 |\n  |---|---|\n"
    )
    pieces = split_markdown_tables(text)
    assert pieces[0] == "현황입니다."
    assert pieces[1] == Table(("부서", "건수"), (("도로과", "3"), ("교통|행정과", "2"), ("민원과", "")))
    assert isinstance(pieces[2], str) and pieces[2].startswith("이상입니다.") and "| 코드 | 블록 |" in pieces[2]
    assert "| 안 | 쪽 |" in pieces[2] and len(pieces) == 3


def test_text_without_a_table_is_left_exactly_as_it_was():
    for text in ("", "A | B 비교", "| 머리 |\n본문", "줄\r\n바꿈 | 있음"):
        assert split_markdown_tables(text) == [text]


def test_too_wide_tables_stay_text():
    header = "|" + "|".join(f"열{i}" for i in range(13)) + "|"
    text = header + "\n" + "|---" * 13 + "|\n"
    assert all(isinstance(p, str) for p in split_markdown_tables(text))


# Cells as a model writes them: no pipes, backslashes or entities (those are Markdown escapes, unescaped on parsing).
_cell = st.text(
    st.characters(blacklist_characters="|\\&\r\n", blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=12
).map(str.strip)


@given(
    st.lists(_cell.filter(bool), min_size=1, max_size=6),
    st.lists(st.lists(_cell, min_size=1, max_size=8), max_size=8),
    st.sampled_from(["앞 문단입니다.", ""]),
)
def test_generated_tables_come_back_cell_for_cell(header, rows, before):
    def line(cells):
        return "| " + " | ".join(cells) + " |"

    text = (before + "\n\n" if before else "") + line(header) + "\n" + line(["---"] * len(header)) + "\n"
    text += "".join(line(r) + "\n" for r in rows)
    pieces = split_markdown_tables(text)
    width = len(header)
    expected = Table(tuple(header), tuple(tuple((r + [""] * width)[:width]) for r in rows))
    assert pieces == ([before] if before else []) + [expected]


@given(
    st.lists(
        st.sampled_from(["| a | b |", "|---|---|", "| 1 |", "", "텍스트", "|" * 30, "| x " * 20 + "|"]), max_size=400
    )
)
def test_any_table_heavy_answer_still_fits_teams(lines):
    card = reply_card(Reply("\n".join(lines), kind="answer"))
    assert card_size(card) <= MAX_CARD_BYTES
    json.dumps(card)

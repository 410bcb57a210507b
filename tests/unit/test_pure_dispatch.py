"""Pure pieces of dispatch: command parsing, memory budget, template sections, identity."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.conversation import Message
from bot.dispatch.commands import parse_command
from bot.dispatch.identity import resolve_identity
from bot.dispatch.memory import ProcessMemory, trim_to_budget
from bot.dispatch.prompt import split_sections
from bot.gateway.stream import estimate_tokens
from bot.gateway.types import ChatMessage
from tests.conftest import offline_config

korean = st.text(alphabet=st.sampled_from("가나다라마바사아자차카타파하 보도자료민원킥보드"), min_size=0, max_size=30)


def test_parse_command_examples():
    assert parse_command("/use 보도자료") == ("use", "보도자료")
    assert parse_command("  /quota  ") == ("quota", "")
    assert parse_command("/assistant create 회의록\n회의록을 정리하는 도우미") == (
        "assistant",
        "create 회의록\n회의록을 정리하는 도우미",
    )
    assert parse_command("/help\n") == ("help", "")
    assert parse_command("/") is None and parse_command("/ 공백") is None
    assert parse_command("2024/11/22 회의") is None and parse_command("킥보드 민원") is None


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_parse_command_only_claims_slash_text(text):
    parsed = parse_command(text)
    if parsed is not None:
        name, args = parsed
        assert text.strip().startswith("/" + name)
        assert name and not name[0].isspace()


@given(st.lists(st.tuples(st.sampled_from(["user", "assistant"]), korean), max_size=20), st.integers(0, 200))
def test_trim_keeps_a_recent_suffix_within_budget(pairs, budget):
    history = [ChatMessage(role, text) for role, text in pairs]
    kept = trim_to_budget(history, budget)
    assert sum(estimate_tokens(m.content) for m in kept) <= budget
    assert kept == history[len(history) - len(kept) :]
    assert not kept or kept[0].role == "user"


async def test_process_memory_expires_and_evicts():
    now = [0.0]
    memory = ProcessMemory(budget_tokens=1000, ttl_seconds=60, max_threads=2, clock=lambda: now[0])
    await memory.append("a", 1, ChatMessage("user", "첫 질문"))
    await memory.append("b", 2, ChatMessage("user", "둘째"))
    await memory.append("c", 3, ChatMessage("user", "셋째"))
    assert await memory.load("a", 1) == []  # evicted: only two threads are kept
    assert [m.content for m in await memory.load("c", 3)] == ["셋째"]
    now[0] = 61
    assert await memory.load("c", 3) == []  # idle too long


def test_split_sections_follows_template_headings():
    text = "## 제목\n킥보드 주차 금지\n\n**부제**\n12월부터\n## 리드\n한빛구는…\n기타 문장"
    sections = split_sections(text, ["제목", "부제", "리드", "본문"])
    assert [(s.heading, s.body) for s in sections] == [
        ("제목", "킥보드 주차 금지"),
        ("부제", "12월부터"),
        ("리드", "한빛구는…\n기타 문장"),
    ]
    assert split_sections("그냥 답변입니다.", ["제목", "부제"]) is None


def test_identity_by_platform_id_email_channel_and_groups():
    config = offline_config()
    by_slack = resolve_identity(config, Message("slack", "U0PRES0001", "안녕"))
    assert (by_slack.user_id, by_slack.department.id, by_slack.role, by_slack.is_admin) == (
        "choi.hyunwoo",
        "pr",
        "admin",
        True,
    )
    by_email = resolve_identity(config, Message("teams", "unknown-aad", "안녕", user_email="SEO.MINJI@hanbit.go.kr"))
    assert (by_email.user_id, by_email.department.id, by_email.role) == ("seo.minji", "road", "editor")
    by_channel = resolve_identity(
        config, Message("slack", "U999", "안녕", channel_id="C0TRAFFIC01", user_name="방문자")
    )
    assert (by_channel.department.id, by_channel.role, by_channel.name) == ("traffic", "member", "방문자")
    by_group = resolve_identity(config, Message("web", "new.hire", "안녕", directory_groups=("OU=청소행정과",)))
    assert by_group.department.id == "cleaning"
    assert resolve_identity(config, Message("slack", "U999", "안녕", channel_id="C-elsewhere")) is None
    # A Slack id typed into the web chat does not impersonate the Slack user.
    assert resolve_identity(config, Message("web", "U0PRES0001", "안녕")) is None

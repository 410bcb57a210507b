"""Slack rendering without Slack: Markdown → mrkdwn, splitting within limits, Reply → Block Kit."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.slack.home import home_view
from adapters.slack.mrkdwn import FENCE, plain, split_text, to_mrkdwn
from adapters.slack.render import (
    BUTTONS_PER_BLOCK,
    FALLBACK_TEXT,
    FIELD_TEXT,
    FIELDS_PER_SECTION,
    HEADER_TEXT,
    MAX_BLOCKS,
    MESSAGE_CHARS,
    SECTION_TEXT,
    action_name,
    block_chars,
    render,
    render_reply,
)
from bot.conversation import Button, Buttons, DepartmentSummary, FilePart, Reply, Section, Table

# ---- Markdown → mrkdwn ---------------------------------------------------------------------


def test_markdown_constructs_become_mrkdwn():
    source = "# 보도자료 초안\n**굵게** 와 *기울임* 과 ~~취소~~\n- 첫째\n* 둘째\n[한빛구청](https://hanbit.go.kr/a?x=1&y=2)\n> 인용문"
    assert to_mrkdwn(source).split("\n") == [
        "*보도자료 초안*",
        "*굵게* 와 _기울임_ 과 ~취소~",
        "• 첫째",
        "• 둘째",
        "<https://hanbit.go.kr/a?x=1&amp;y=2|한빛구청>",
        "> 인용문",
    ]


def test_control_characters_are_escaped_but_code_is_kept_verbatim():
    source = "조건: a < b && c > d\n`x<y>` 그대로\n```python\nif a < b and **not** c:\n    pass\n```"
    assert to_mrkdwn(source).split("\n") == [
        "조건: a &lt; b &amp;&amp; c &gt; d",
        "`x&lt;y&gt;` 그대로",
        "```",
        "if a &lt; b and **not** c:",
        "    pass",
        "```",
    ]


def test_unclosed_code_block_is_closed_and_snake_case_is_not_italic():
    assert to_mrkdwn("```\ncode") == "```\ncode\n```"
    assert to_mrkdwn("file_name_here 과 2*3*4") == "file_name_here 과 2*3*4"


def test_markdown_table_becomes_a_monospaced_block():
    source = "민원 현황:\n| 부서 | 건수 |\n|---|:---:|\n| 교통행정과 | 12 |\n| 도로과 | 3 |\n끝"
    assert to_mrkdwn(source).split("\n") == [
        "민원 현황:",
        "```",
        "| 부서 | 건수 |",
        "| 교통행정과 | 12 |",
        "| 도로과 | 3 |",
        "```",
        "끝",
    ]
    assert to_mrkdwn("| 표 아님 |") == "| 표 아님 |"


def test_plain_fallback_reads_naturally():
    assert plain(to_mrkdwn("**주의**: [링크](http://a.kr) & 끝")) == "주의: 링크 (http://a.kr) & 끝"


@given(
    st.lists(
        st.sampled_from(
            [
                "가나다",
                "**굵게**",
                "`a<b`",
                "```",
                "&",
                "<",
                ">",
                "[l](http://x.kr)",
                "\n",
                "\n\n",
                " ",
                "- 목록",
                "# 제목",
                "_a_",
                "~~s~~",
                "| 표 | 값 |",
                "|---|---|",
                "\n| a<b | 1 |",
            ]
        ),
        max_size=120,
    )
)
@settings(max_examples=300, deadline=None)
def test_mrkdwn_never_leaves_raw_control_characters(pieces):
    out = to_mrkdwn("".join(pieces))
    without_links = re.sub(r"<[^<>|\s]+\|[^<>]*>", "", out)
    assert "<" not in without_links
    assert ">" not in re.sub(r"^> ?", "", without_links, flags=re.M)
    assert not re.search(r"&(?!amp;|lt;|gt;)", out)
    fences = [line for line in out.split("\n") if line.strip().startswith(FENCE)]
    assert len(fences) % 2 == 0


@given(
    st.lists(
        st.sampled_from(
            [
                "한빛구청 보도자료",
                "**굵게**",
                "`a<b`",
                "```",
                "&",
                "<>",
                "[링크](http://x.kr/a?b=1&c=2)",
                "\n",
                "\n\n",
                " ",
                "긴단어" * 30,
                "- 목록",
            ]
        ),
        max_size=200,
    ),
    st.integers(min_value=40, max_value=600),
)
@settings(max_examples=300, deadline=None)
def test_split_keeps_every_character_and_each_chunk_fits_and_renders_alone(pieces, limit):
    text = to_mrkdwn("".join(pieces))
    chunks = split_text(text, limit)
    assert all(len(chunk) <= limit for chunk in chunks)
    squash = lambda s: re.sub(r"\s+", "", s.replace(FENCE, ""))  # noqa: E731
    assert squash("".join(chunks)) == squash(text)
    for chunk in chunks:
        fences = [line for line in chunk.split("\n") if line.strip().startswith(FENCE)]
        assert len(fences) % 2 == 0, chunk
        assert not re.search(r"&(?!amp;|lt;|gt;)", chunk), chunk


def test_split_prefers_paragraph_boundaries():
    text = ("가" * 50 + "\n\n") * 4
    assert split_text(text.strip(), 120) == ["가" * 50 + "\n\n" + "가" * 50, "가" * 50 + "\n\n" + "가" * 50]


# ---- Reply → Block Kit ---------------------------------------------------------------------


def all_blocks_fit(messages) -> None:
    assert len(messages) <= 1  # one Slack message per reply, cut to fit
    for message in messages:
        assert 1 <= len(message.blocks) <= MAX_BLOCKS
        assert block_chars(message.blocks) <= MESSAGE_CHARS  # Slack's msg_blocks_too_long is at ~13,200
        assert 0 < len(message.text) <= FALLBACK_TEXT
        ids = []
        for block in message.blocks:
            if block["type"] == "section" and "text" in block:
                assert 0 < len(block["text"]["text"]) <= SECTION_TEXT
            for field in block.get("fields", []):
                assert len(field["text"]) <= FIELD_TEXT
            assert len(block.get("fields", [])) <= FIELDS_PER_SECTION
            if block["type"] == "header":
                assert len(block["text"]["text"]) <= HEADER_TEXT
            if block["type"] == "actions":
                assert len(block["elements"]) <= BUTTONS_PER_BLOCK
                ids += [e["action_id"] for e in block["elements"]]
        assert len(ids) == len(set(ids))


def test_answer_becomes_sections_notice_context_and_feedback_buttons():
    reply = Reply(
        "**요약**: 세 건입니다.",
        kind="answer",
        parts=[
            Buttons((Button("👍 도움이 됐어요", "feedback", "abc:up"), Button("👎 아쉬워요", "feedback", "abc:down")))
        ],
        notice="※ AI 초안입니다.",
        sources=["도로교통법 제32조"],
        assistant="일반 도우미",
    )
    [message] = render(reply)
    assert [b["type"] for b in message.blocks] == ["section", "actions", "context"]
    assert message.blocks[0]["text"]["text"] == "*요약*: 세 건입니다."
    buttons = message.blocks[1]["elements"]
    assert [(action_name(b["action_id"]), b["value"]) for b in buttons] == [
        ("feedback", "abc:up"),
        ("feedback", "abc:down"),
    ]
    context = [e["text"] for e in message.blocks[2]["elements"]]
    assert context == ["※ AI 초안입니다.", "출처: 도로교통법 제32조", "일반 도우미"]
    assert message.text.startswith("요약: 세 건입니다.")


def test_table_rows_become_fields_and_long_tables_a_monospaced_block():
    small = render(
        Reply("", parts=[Table(("부서", "건수"), (("교통행정과", "12"), ("도로과", "3")), title="분류 결과")])
    )[0]
    assert small.blocks[0]["text"]["text"] == "*분류 결과*"
    assert small.blocks[1]["fields"] == [
        {"type": "mrkdwn", "text": "*부서*\n교통행정과"},
        {"type": "mrkdwn", "text": "*건수*\n12"},
    ]
    big = render(Reply("", parts=[Table(("번호", "내용"), tuple((str(i), f"민원 {i}") for i in range(200)))]))
    texts = [b["text"]["text"] for m in big for b in m.blocks]
    assert all(t.startswith("```") and t.endswith("```") for t in texts)
    assert "199 | 민원 199" in "\n".join(texts)


def test_confirm_button_and_sections_and_files():
    reply = Reply(
        "전체 텍스트(섹션이 있으면 표시하지 않음)",
        parts=[
            Section("제목", "킥보드 주차 금지"),
            Buttons((Button("전달", "forward", "c1", style="primary", confirm="교통행정과 채널로 전달할까요?"),)),
            FilePart("결과.xlsx", "application/octet-stream", b"x"),
        ],
    )
    [message] = render(reply)
    assert [b["type"] for b in message.blocks] == ["header", "section", "actions"]
    button = message.blocks[2]["elements"][0]
    assert button["style"] == "primary" and button["confirm"]["text"]["text"] == "교통행정과 채널로 전달할까요?"
    assert "전체 텍스트" not in message.text


def test_error_reply_is_marked():
    [message] = render(Reply("등록되지 않은 사용자입니다.", kind="error"))
    assert message.blocks[0]["text"]["text"].startswith("⚠️ ")


@given(
    text=st.lists(st.sampled_from(list("가나다 라*`\n&<>") + ["```", "보도자료 " * 40]), max_size=2000).map("".join),
    rows=st.integers(min_value=0, max_value=60),
    columns=st.integers(min_value=1, max_value=14),
    buttons=st.integers(min_value=0, max_value=60),
    sections=st.integers(min_value=0, max_value=70),
)
@settings(max_examples=60, deadline=None)
def test_any_reply_renders_within_slack_limits(text, rows, columns, buttons, sections):
    parts = [Section("머리글" * 40, "본문 " * 200) for _ in range(sections)]
    parts.append(
        Table(
            tuple(f"열{c}" * 300 for c in range(columns)),
            tuple(tuple("값" * 2500 for _ in range(columns)) for _ in range(rows)),
        )
    )
    parts.append(Buttons(tuple(Button("버튼" * 50, "confirm", str(i)) for i in range(buttons))))
    all_blocks_fit(render(Reply(text, parts=parts, notice="※ 알림" * 1000, sources=["출처"] * 50)))


def test_a_long_answer_is_cut_with_a_notice_and_sent_whole_as_a_file_keeping_buttons_and_notice():
    text = "\n\n".join(f"{i}. 스쿨존 전동킥보드 주차 금지 구역 안내 문단입니다. " * 6 for i in range(200))
    reply = Reply(
        text,
        parts=[Buttons((Button("👍 도움이 됐어요", "feedback", "a:up"),)), FilePart("표.xlsx", "x", b"PK")],
        notice="※ AI 초안입니다.",
    )
    rendered = render_reply(reply)
    [message] = rendered.messages
    assert rendered.cut and block_chars(message.blocks) <= MESSAGE_CHARS
    assert [b["type"] for b in message.blocks[-3:]] == ["section", "actions", "context"]
    assert "답변_전문.txt" in message.blocks[-3]["text"]["text"]
    assert message.blocks[0]["text"]["text"].startswith("0. 스쿨존")
    whole, table = rendered.files
    assert (whole.name, table.name) == ("답변_전문.txt", "표.xlsx")
    assert "199. 스쿨존" in whole.data.decode("utf-8") and "※ AI 초안입니다." in whole.data.decode("utf-8")
    short = render_reply(Reply("짧은 답변"))
    assert not short.cut and short.files == []


# ---- App Home ------------------------------------------------------------------------------


def test_home_view_shows_department_quota_assistants_and_starters():
    summary = DepartmentSummary(
        "김민수",
        "traffic",
        "교통행정과",
        "editor",
        1_500_000,
        3_000_000,
        (("일반 도우미", "기본 도우미"),),
        ("요약해 줘",),
    )
    view = home_view(summary, organisation="한빛구청", locale="ko", unknown_text="")
    text = "\n".join(b["text"]["text"] for b in view["blocks"] if "text" in b)
    assert view["type"] == "home"
    assert "*김민수* 님 · 교통행정과 (편집자)" in text
    assert "*1,500,000* / 3,000,000 토큰" in text and "50%" in text
    assert "*일반 도우미* — 기본 도우미" in text and "• 요약해 줘" in text

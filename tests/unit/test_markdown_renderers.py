"""Each adapter's rendering of the one parsed document: Slack mrkdwn, Teams card Markdown, the web chat's HTML.

The web chat inserts the HTML as it is, so the properties at the end attack it with generated Markdown and raw
HTML: no script element, no event handler, no link target other than http, https or mailto, no tag or
attribute that the renderer did not write itself.
"""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.slack.mrkdwn import document_mrkdwn, to_mrkdwn
from adapters.slack.render import render
from adapters.teams.cards import reply_card
from adapters.teams.markdown import card_pieces
from adapters.web.html import document_html
from adapters.web.render import reply_to_json
from bot.conversation import Reply, Section, Table
from bot.markdown import parse

ANSWER = (
    "## 단속 기준\n어린이보호구역은 **주차 금지**, *즉시 견인*.\n\n"
    "- 견인\n  - 보관: [한빛구청](https://hanbit.go.kr/a?x=1&y=2)\n\n"
    "| 부서 | 건수 |\n|---|---:|\n| 교통행정과 | **12** |\n\n> 인용 a < b\n\n```\nx < y && z\n```"
)

# ---- Slack ---------------------------------------------------------------------------------------------------


def test_slack_renders_the_model_as_mrkdwn():
    assert document_mrkdwn(parse(ANSWER)).split("\n") == [
        "*단속 기준*",
        "어린이보호구역은 *주차 금지*, _즉시 견인_.",
        "",
        "• 견인",
        "  • 보관: <https://hanbit.go.kr/a?x=1&amp;y=2|한빛구청>",
        "",
        "```",
        "| 부서 | 건수 |",
        "| 교통행정과 | 12 |",
        "```",
        "",
        "> 인용 a &lt; b",
        "",
        "```",
        "x &lt; y &amp;&amp; z",
        "```",
    ]


def test_slack_keeps_markers_inside_words_and_flattens_nested_quotes():
    assert to_mrkdwn("2*3*4 와 snake_case_name") == "2*3*4 와 snake_case_name"
    assert to_mrkdwn("> 바깥\n> > 안쪽") == "> 바깥\n> 안쪽"
    assert to_mrkdwn("1. 하나\n2. 둘") == "1. 하나\n2. 둘"


def test_slack_renders_the_reply_document_it_was_given_without_parsing_again():
    reply = Reply("**요약**: 세 건", kind="answer")
    document = reply.document
    [message] = render(reply)
    assert reply.document is document and message.blocks[0]["text"]["text"] == "*요약*: 세 건"


# ---- Teams ---------------------------------------------------------------------------------------------------


def test_teams_gets_markdown_runs_with_bold_headings_and_tables_as_table_parts():
    pieces = card_pieces(parse(ANSWER))
    assert pieces[0] == "**단속 기준**\n어린이보호구역은 **주차 금지**, *즉시 견인*.\n\n- 견인\n  - 보관: " + (
        "[한빛구청](https://hanbit.go.kr/a?x=1&y=2)"
    )
    assert pieces[1] == Table(("부서", "건수"), (("교통행정과", "**12**"),))
    assert pieces[2] == "> 인용 a < b\n\n```\nx < y && z\n```"


def test_teams_card_shows_section_documents():
    reply = Reply("무시됨", kind="answer", parts=[Section("제목", "## 소제목\n- 항목 **굵게**")])
    card = reply_card(reply)
    texts = [e["text"] for e in card["body"] if e.get("type") == "TextBlock"]
    assert texts == ["제목", "**소제목**\n- 항목 **굵게**"]


# ---- web chat ------------------------------------------------------------------------------------------------


def test_web_html_for_a_korean_answer():
    html = document_html(parse(ANSWER))
    assert html.startswith("<h4>단속 기준</h4><p>어린이보호구역은 <strong>주차 금지</strong>, <em>즉시 견인</em>.</p>")
    assert (
        '<ul><li><p>견인</p><ul><li>보관: <a href="https://hanbit.go.kr/a?x=1&amp;y=2" target="_blank" '
        'rel="noopener noreferrer">한빛구청</a></li></ul></li></ul>'
    ) in html
    assert '<th style="text-align:right">건수</th>' in html and "<td>교통행정과</td>" in html
    assert "<blockquote><p>인용 a &lt; b</p></blockquote>" in html
    assert "<pre><code>x &lt; y &amp;&amp; z\n</code></pre>" in html


def test_web_json_carries_html_for_the_text_or_for_each_section():
    plain = reply_to_json(Reply("**안내**"))
    assert plain["html"] == "<p><strong>안내</strong></p>" and plain["text"] == "**안내**"
    sectioned = reply_to_json(Reply("원문", parts=[Section("제목", "`코드`")]))
    assert sectioned["html"] == "" and sectioned["parts"][0]["html"] == "<p><code>코드</code></p>"


def test_unsafe_links_lose_their_target_but_keep_their_label():
    html = document_html(parse("[눌러](javascript:alert(1)) [메일](mailto:a@hanbit.go.kr) [파일](ftp://x.kr/a)"))
    assert "javascript:" not in html.replace("[눌러](javascript:alert(1))", "")
    assert 'href="mailto:a@hanbit.go.kr"' in html and "href" not in html.split("</a>")[-1]
    assert ">파일<" not in html and "파일" in html


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


ALLOWED = {"p", "br", "h4", "ul", "ol", "li", "pre", "code", "blockquote", "table", "thead", "tbody", "tr", "th", "td"}
ALLOWED |= {"strong", "em", "del", "a", "hr"}
ATTACKS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//x.kr/a.js>",
    '<img src=x onerror="alert(1)">',
    "[클릭](javascript:alert(1))",
    "[클릭](JAVASCRIPT:alert(1))",
    "[클릭](  javascript:alert(1))",
    "![그림](javascript:alert(1))",
    "[클릭](data:text/html;base64,PHNjcmlwdD4=)",
    '[클릭](http://x.kr" onclick="alert(1))',
    "<a href='javascript:alert(1)'>링크</a>",
    "`<script>`",
    "```\n<script>\n```",
    "| <b>칸</b> | ` ",
    "|---|",
    "**<i>굵게</i>**",
    "&lt;script&gt;",
    "<!-- 주석 -->",
    "\n",
    "\n\n",
    "- ",
    "> ",
    "# ",
    "한빛구청 ",
]


@given(st.lists(st.one_of(st.sampled_from(ATTACKS), st.text(max_size=20)), max_size=40).map("".join))
@settings(max_examples=400, deadline=None)
def test_no_markup_from_the_text_reaches_the_page(text):
    html = document_html(parse(text))
    assert "<script" not in html.lower()
    parser = _Tags()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag in ALLOWED, (tag, html)
        for name, value in attrs:
            assert name in {"href", "target", "rel", "start", "style"}, (name, html)
            if name == "href":
                assert (value or "").lower().startswith(("http://", "https://", "mailto:")), html
            if name == "style":
                assert value in ("text-align:left", "text-align:center", "text-align:right"), html
    # Every '<' in the output opens a tag the renderer wrote: text never carries one unescaped.
    assert html.count("<") == sum(1 for _ in parser.tags) + html.count("</")


@given(st.lists(st.one_of(st.sampled_from(ATTACKS), st.text(max_size=20)), max_size=40).map("".join))
@settings(max_examples=200, deadline=None)
def test_every_adapter_renders_any_text(text):
    document = parse(text)
    mrkdwn = document_mrkdwn(document)
    assert "<script" not in mrkdwn.lower()
    pieces = card_pieces(document)
    assert all(isinstance(p, str | Table) for p in pieces)

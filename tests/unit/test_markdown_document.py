"""The document model: Korean Markdown as models write it, parsed once into frozen blocks and inlines."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.conversation import Reply, Section
from bot.dispatch.prompt import split_sections
from bot.markdown import parse, plain
from bot.markdown.model import (
    Break,
    Code,
    CodeBlock,
    Emphasis,
    Heading,
    Link,
    ListBlock,
    Paragraph,
    Quote,
    Rule,
    Strike,
    Strong,
    TableBlock,
    Text,
)
from bot.markdown.sections import split

ANSWER = """# 전동킥보드 주차 안내

어린이보호구역에서는 **주차 금지**이며 *즉시 견인*됩니다. ~~예전 기준~~은 폐지되었습니다.
자세한 내용은 [한빛구청](https://hanbit.go.kr/notice?id=1&x=2)과 `도로교통법 제32조`를 보세요.

- 견인 절차
  - 보관소 이동
1. 첫째
2. 둘째

> 민원인의 의견입니다.

| 부서 | 건수 |
|:---|---:|
| 교통행정과 | **12** |
| 도로과 | 3 |

```python
if a < b:
    print("**굵게 아님**")
```

---
"""


def test_a_korean_answer_becomes_typed_blocks_and_inlines():
    document = parse(ANSWER)
    kinds = [type(b) for b in document.blocks]
    assert kinds == [Heading, Paragraph, ListBlock, ListBlock, Quote, TableBlock, CodeBlock, Rule]
    heading, paragraph, bullets, numbers, quote, table, code, _ = document.blocks
    assert heading.level == 1 and plain(heading.children) == "전동킥보드 주차 안내"
    assert Strong((Text("주차 금지"),)) in paragraph.children
    assert Emphasis((Text("즉시 견인"),)) in paragraph.children
    assert Strike((Text("예전 기준"),)) in paragraph.children
    assert Link((Text("한빛구청"),), "https://hanbit.go.kr/notice?id=1&x=2") in paragraph.children
    assert Code("도로교통법 제32조") in paragraph.children and Break() in paragraph.children
    assert not bullets.ordered and isinstance(bullets.items[0].blocks[1], ListBlock)  # nested
    assert numbers.ordered and numbers.start == 1 and len(numbers.items) == 2
    assert plain(quote.blocks[0].children) == "민원인의 의견입니다."
    assert [plain(c.children) for c in table.header] == ["부서", "건수"]
    assert table.align == ("left", "right") and table.rows[0][1].source == "**12**"
    assert code.language == "python" and '"**굵게 아님**"' in code.text


def test_the_model_is_frozen():
    document = parse("**굵게**")
    with pytest.raises(dataclasses.FrozenInstanceError):
        document.blocks[0].children = ()  # type: ignore[misc]  # the point of the test


def test_raw_html_and_script_links_stay_text():
    document = parse('<script>alert("x")</script> [눌러](javascript:alert(1)) <b>굵게</b>')
    [paragraph] = document.blocks
    assert all(isinstance(node, Text) for node in paragraph.children)
    assert "<script>" in plain(paragraph.children)


def test_a_line_without_a_pipe_ends_a_table():
    document = parse("| 부서 | 건수 |\n|---|---|\n| 도로과 | 3 |\n끝")
    table, after = document.blocks
    assert isinstance(table, TableBlock) and len(table.rows) == 1
    assert isinstance(after, Paragraph) and plain(after.children) == "끝" and after.lines == (3, 4)


def test_blank_lines_between_blocks_are_known():
    document = parse("첫 문단\n\n\n둘째 문단\n- 목록")
    assert [document.blank_lines_before(b) for b in document.blocks] == [0, 2, 0]


def test_sections_split_on_the_model_and_carry_their_part_of_the_one_parse():
    text = "## 제목\n킥보드 주차 금지\n\n**부제**\n12월부터\n##리드\n한빛구는…\n- 기타 문장"
    sections = split_sections(text, ["제목", "부제", "리드", "본문"])
    assert [(s.heading, s.body) for s in sections] == [
        ("제목", "킥보드 주차 금지"),
        ("부제", "12월부터"),
        ("리드", "한빛구는…\n- 기타 문장"),
    ]
    assert [type(b) for b in sections[2].parsed.blocks] == [Paragraph, ListBlock]  # no second parse
    assert sections[1].document.blocks == (Paragraph((Text("12월부터"),), (4, 5)),)


def test_reply_and_section_parse_at_most_once():
    reply = Reply("**안내**: 세 건")
    assert reply.document is reply.document
    reply.text = "바뀐 답변"
    assert plain(reply.document.blocks[0].children) == "바뀐 답변"
    section = Section("제목", "- 하나")
    assert section.document is section.document and section == Section("제목", "- 하나")


PIECES = ["가나다", "**", "*", "_", "~~", "`", "```", "#", "## 제목", "- ", "1. ", "> ", "|", "|---|", "\n", "\n\n"]
PIECES += ["[링크](http://a.kr)", "![그림](http://a.kr/i.png)", "    ", "<", "&", "\\", "---"]


@given(st.lists(st.sampled_from(PIECES), max_size=80).map("".join))
@settings(max_examples=300, deadline=None)
def test_any_text_parses_and_every_block_points_into_the_source(text):
    document = parse(text)
    for block in document.blocks:
        first, end = block.lines
        assert 0 <= first <= end <= len(document.source)
    headings = ["제목", "본문"]
    found = split(document, headings)
    if found is not None:
        assert {s.heading for s in found} <= set(headings)

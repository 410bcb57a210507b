"""Markdown → `Document`, with markdown-it-py (CommonMark plus GFM tables and strikethrough).

Raw HTML is off (it stays text), so nothing a model or a user writes can reach an adapter as markup; link
targets pass markdown-it's own check (javascript:, vbscript:, file: and data: are refused and stay text).
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token

from bot.markdown.model import (
    Align,
    Block,
    Break,
    Cell,
    Code,
    CodeBlock,
    Document,
    Emphasis,
    Heading,
    Image,
    Inline,
    Lines,
    Link,
    ListBlock,
    ListItem,
    Paragraph,
    Quote,
    Rule,
    Strike,
    Strong,
    TableBlock,
    Text,
)

_RULES = [
    "heading",
    "lheading",
    "paragraph",
    "list",
    "fence",
    "code",
    "blockquote",
    "hr",
    "table",
    "emphasis",
    "strikethrough",
    "backticks",
    "link",
    "image",
    "newline",
    "escape",
]
# One parser for the process: markdown-it keeps no state between parse() calls.
_MARKDOWN = MarkdownIt("zero", {"maxNesting": 20}).enable(_RULES)
_ALIGN: dict[str, Align] = {"text-align:left": "left", "text-align:center": "center", "text-align:right": "right"}


def parse(text: str) -> Document:
    """Parse `text` once; every adapter renders the result."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    source = normalised.split("\n")
    blocks, _ = _blocks(_MARKDOWN.parse(normalised), 0, None, source)
    return Document(tuple(blocks), tuple(source))


def _lines(token: Token) -> Lines:
    first, end = token.map or (0, 0)
    return first, end


def _blocks(tokens: Sequence[Token], index: int, closing: str | None, source: list[str]) -> tuple[list[Block], int]:
    """The blocks from `index` until the token of type `closing` (or the end); returns them and the index after."""
    blocks: list[Block] = []
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        if kind == closing:
            return blocks, index + 1
        if kind == "heading_open":
            blocks.append(Heading(int(token.tag[1:]), _inlines(tokens[index + 1]), _lines(token)))
            index += 3
        elif kind == "paragraph_open":
            blocks.append(Paragraph(_inlines(tokens[index + 1]), _lines(token)))
            index += 3
        elif kind in ("bullet_list_open", "ordered_list_open"):
            index = _list(tokens, index, blocks, source)
        elif kind == "blockquote_open":
            inner, index = _blocks(tokens, index + 1, "blockquote_close", source)
            blocks.append(Quote(tuple(inner), _lines(token)))
        elif kind in ("fence", "code_block"):
            language = token.info.strip().split(" ")[0] if kind == "fence" else ""
            blocks.append(CodeBlock(token.content, language, _lines(token)))
            index += 1
        elif kind == "hr":
            blocks.append(Rule(_lines(token)))
            index += 1
        elif kind == "table_open":
            index = _table(tokens, index, blocks, source)
        else:  # a closing token of an enclosing block we were not asked to stop at, or one we do not model
            index += 1
    return blocks, index


def _list(tokens: Sequence[Token], index: int, out: list[Block], source: list[str]) -> int:
    opening = tokens[index]
    ordered = opening.type == "ordered_list_open"
    closing = "ordered_list_close" if ordered else "bullet_list_close"
    start = int(opening.attrs.get("start", 1)) if ordered else 1
    items: list[ListItem] = []
    index += 1
    while tokens[index].type != closing:
        item = tokens[index]  # list_item_open
        inner, index = _blocks(tokens, index + 1, "list_item_close", source)
        items.append(ListItem(tuple(inner), _lines(item)))
    out.append(ListBlock(tuple(items), ordered, start, _lines(opening)))
    return index + 1


def _table(tokens: Sequence[Token], index: int, out: list[Block], source: list[str]) -> int:
    opening = tokens[index]
    rows: list[tuple[Cell, ...]] = []
    row: list[Cell] = []
    align: list[Align] = []
    index += 1
    while tokens[index].type != "table_close":
        token = tokens[index]
        if token.type == "tr_open":
            row = []
        elif token.type == "th_open":
            align.append(_ALIGN.get(str(token.attrs.get("style", "")), ""))
        elif token.type == "inline":
            row.append(Cell(_inlines(token), token.content.strip()))
        elif token.type == "tr_close":
            rows.append(tuple(row))
        index += 1
    header, *body = rows or [()]
    first, end = _lines(opening)
    # GFM reads every line up to a blank one as a row; a line without a single pipe was meant as text
    # ("| a |\n|---|\n| 1 |\n끝"): the table ends there and the rest is parsed as what it is.
    cut = next((n for n in range(len(body)) if "|" not in source[first + 2 + n]), None) if opening.level == 0 else None
    width = len(header)
    empty = Cell((), "")
    padded = tuple(tuple((*r, *([empty] * width)))[:width] for r in body[:cut])
    out.append(TableBlock(header, padded, tuple(align[:width]), (first, end if cut is None else first + 2 + cut)))
    if cut is not None:
        # Blank lines in front keep the line numbers of the whole text.
        rest = "\n" * (first + 2 + cut) + "\n".join(source[first + 2 + cut : end])
        out.extend(_blocks(_MARKDOWN.parse(rest), 0, None, source)[0])
    return index + 1


def _inlines(token: Token) -> tuple[Inline, ...]:
    nodes, _ = _children(token.children or [], 0, None)
    return tuple(nodes)


def _children(tokens: Sequence[Token], index: int, closing: str | None) -> tuple[list[Inline], int]:
    nodes: list[Inline] = []
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        if kind == closing:
            return nodes, index + 1
        index += 1
        if kind == "text":
            if not token.content:
                continue
            if nodes and isinstance(nodes[-1], Text):  # markdown-it splits text at every candidate marker
                nodes[-1] = Text(nodes[-1].text + token.content)
            else:
                nodes.append(Text(token.content))
        elif kind == "softbreak":
            nodes.append(Break())
        elif kind == "hardbreak":
            nodes.append(Break(hard=True))
        elif kind == "code_inline":
            nodes.append(Code(token.content))
        elif kind == "strong_open":
            inner, index = _children(tokens, index, "strong_close")
            nodes.append(Strong(tuple(inner), token.markup))
        elif kind == "em_open":
            inner, index = _children(tokens, index, "em_close")
            nodes.append(Emphasis(tuple(inner), token.markup))
        elif kind == "s_open":
            inner, index = _children(tokens, index, "s_close")
            nodes.append(Strike(tuple(inner)))
        elif kind == "link_open":
            inner, index = _children(tokens, index, "link_close")
            nodes.append(Link(tuple(inner), str(token.attrs.get("href", ""))))
        elif kind == "image":
            nodes.append(Image(token.content, str(token.attrs.get("src", ""))))
        elif token.content:
            nodes.append(Text(token.content))
    return nodes, index

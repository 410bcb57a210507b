"""A parsed reply (bot.markdown) → Slack mrkdwn, and splitting long text within Slack's limits.

Pure functions: no Slack client, no I/O, so they are unit- and property-tested on their own.
Slack's mrkdwn differs from Markdown: *bold*, _italic_, ~strike~, <url|label> links, no headings,
and &, <, > must always be escaped.
"""

from __future__ import annotations

import re

from bot.markdown import Document, parse
from bot.markdown import plain as text_of
from bot.markdown.model import (
    Block,
    Break,
    Code,
    CodeBlock,
    Heading,
    Image,
    Inline,
    Link,
    ListBlock,
    Paragraph,
    Quote,
    Strike,
    Strong,
    TableBlock,
    Text,
)

FENCE = "```"
_MARKERS = re.compile(r"(?<![\w*_~])([*_~])(?=\S)([^\n]+?)(?<=\S)\1(?![\w*_~])")
_WORD = re.compile(r"\w")
_ZERO_WIDTH = "\u200b"  # put before text that would otherwise read as a code fence


def escape(text: str) -> str:
    """Escape the three characters Slack treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_mrkdwn(markdown: str) -> str:
    """Markdown → Slack mrkdwn (parsed here; a reply's own document is rendered with `document_mrkdwn`)."""
    return document_mrkdwn(parse(markdown))


def document_mrkdwn(document: Document) -> str:
    """A parsed document as Slack mrkdwn: headings as bold lines, bullets as •, tables and code as monospaced
    blocks, links as <url|label>; every text escaped, code verbatim; the writer's blank lines kept."""
    return _join(document, document.blocks, 0)


def _join(document: Document, blocks: tuple[Block, ...], depth: int) -> str:
    out: list[str] = []
    for index, block in enumerate(blocks):
        if index:
            out.append("\n" * (1 + document.blank_lines_before(block)))
        out.append(_block(document, block, depth))
    return "".join(out)


def _block(document: Document, block: Block, depth: int) -> str:
    if isinstance(block, Paragraph):
        return _unfenced(_inlines(block.children))
    if isinstance(block, Heading):
        return f"*{_inlines(block.children, in_bold=True)}*" if block.children else ""
    if isinstance(block, ListBlock):
        return _list(document, block, depth)
    if isinstance(block, CodeBlock):
        return _code(block.text)
    if isinstance(block, Quote):
        inner = _join(document, block.blocks, depth).split("\n")
        # Slack has one level of quote: a quote inside a quote is shown inside the outer one.
        return "\n".join(f"> {line}" if line.strip() else ">" for line in (_unquote(x) for x in inner))
    if isinstance(block, TableBlock):
        rows = [block.header, *block.rows]
        return _code("".join("| " + " | ".join(text_of(cell.children) for cell in row) + " |\n" for row in rows))
    return "---"  # Rule: Slack has no rule; keep the writer's line


def _unquote(line: str) -> str:
    return line[2:] if line.startswith("> ") else line[1:] if line == ">" else line


def _unfenced(text: str) -> str:
    """Text whose line starts with ``` would open a code block in Slack: keep it text."""
    if FENCE not in text:
        return text
    return "\n".join(_ZERO_WIDTH + line if line.lstrip().startswith(FENCE) else line for line in text.split("\n"))


def _code(text: str) -> str:
    body = _unfenced(escape(text.rstrip("\n")))
    return f"{FENCE}\n{body}\n{FENCE}" if body else f"{FENCE}\n{FENCE}"


def _list(document: Document, block: ListBlock, depth: int) -> str:
    out: list[str] = []
    indent = "  " * depth
    for number, item in enumerate(block.items, start=block.start):
        if out:
            out.append("\n" * (1 + document.blank_lines_before(item)))
        marker = f"{number}. " if block.ordered else "• "
        body = _join(document, item.blocks, depth + 1) if item.blocks else ""
        first, _, rest = body.partition("\n")
        if item.blocks and isinstance(item.blocks[0], ListBlock):
            out.append(indent + marker.rstrip() + "\n" + body)
            continue
        out.append(indent + marker + first + ("\n" + rest if rest else ""))
    return "".join(out)


def _inlines(nodes: tuple[Inline, ...], in_bold: bool = False) -> str:
    out: list[str] = []
    for index, node in enumerate(nodes):
        if isinstance(node, Text):
            out.append(escape(node.text))
        elif isinstance(node, Break):
            out.append("\n")
        elif isinstance(node, Code):
            out.append("`" + escape(node.text.replace("`", "ˋ")) + "`" if node.text.strip() else escape(node.text))
        elif isinstance(node, Link | Image):
            label = text_of(node.children) if isinstance(node, Link) else (node.alt or "image")
            href = node.href if isinstance(node, Link) else node.src
            out.append(f"<{escape(href)}|{escape(' '.join(label.split())).replace('|', '¦') or escape(href)}>")
        else:
            inner = _inlines(node.children, in_bold or isinstance(node, Strong))
            marker = "~" if isinstance(node, Strike) else "*" if isinstance(node, Strong) else "_"
            if in_bold and isinstance(node, Strong):
                out.append(inner)
            elif _inside_word(nodes, index):  # Slack formats only at word boundaries: keep what was written
                written = "~~" if isinstance(node, Strike) else node.markup
                out.append(written + inner + written)
            else:
                out.append(marker + inner + marker)
    return "".join(out)


def _inside_word(nodes: tuple[Inline, ...], index: int) -> bool:
    before = nodes[index - 1] if index else None
    after = nodes[index + 1] if index + 1 < len(nodes) else None
    return (isinstance(before, Text) and bool(_WORD.match(before.text[-1:]))) or (
        isinstance(after, Text) and bool(_WORD.match(after.text[:1]))
    )


def plain(mrkdwn: str) -> str:
    """A readable plain-text fallback of mrkdwn (notifications, screen readers, old clients)."""
    text = re.sub(r"<([^|>]+)\|([^>]+)>", r"\2 (\1)", mrkdwn)
    text = re.sub(r"<([^>]+)>", r"\1", text)
    text = _MARKERS.sub(r"\2", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _cut_point(text: str, limit: int) -> int:
    """Where to cut `text` (longer than `limit`): a paragraph break, then a line break, then a space."""
    window = text[:limit]
    for separator in ("\n\n", "\n", " "):
        position = window.rfind(separator)
        if position > limit // 3:
            return position
    return limit


def split_text(text: str, limit: int) -> list[str]:
    """Split mrkdwn into chunks of at most `limit` characters.

    Cuts fall on paragraph, line or word boundaries when possible and never inside an escape
    (&amp;) or a link (<url|label>); a code block cut in two is closed and reopened so each chunk
    renders on its own.
    """
    if limit < 16:
        raise ValueError("limit too small to split safely")
    chunks: list[str] = []
    rest = text
    reopen = False
    while rest:
        head = (FENCE + "\n") if reopen else ""
        budget = limit - len(head)
        if len(rest) <= budget:
            chunks.append(head + rest)
            break
        budget -= len("\n" + FENCE)  # room to close a code block if the cut lands inside one
        cut = _cut_point(rest, budget)
        cut = _avoid_breaking_tokens(rest, cut)
        piece, rest = rest[:cut], rest[cut:]
        in_code = reopen
        for line in piece.split("\n"):
            if line.strip().startswith(FENCE):
                in_code = not in_code
        body = head + piece.rstrip("\n")
        if in_code:
            body += "\n" + FENCE
        chunks.append(body)
        reopen = in_code
        rest = rest.lstrip("\n")
        if not reopen:
            rest = rest.lstrip(" ")
    return [c for c in chunks if c.strip()] or ([text[:limit]] if text else [])


def _avoid_breaking_tokens(text: str, cut: int) -> int:
    """Move `cut` back so it does not fall inside an &entity; or a <link|label>, and so the next chunk
    does not start with backticks that were mid-line (they would read as a code fence)."""
    while cut > 1 and text[cut] != "\n" and text[cut:].lstrip(" ")[:1] == "`":
        cut -= 1
    amp = text.rfind("&", max(0, cut - 6), cut)
    if amp != -1 and ";" not in text[amp:cut] and re.match(r"&(amp|lt|gt);", text[amp:]):
        cut = amp
    open_angle = text.rfind("<", 0, cut)
    if open_angle != -1 and text.find(">", open_angle) >= cut and open_angle > 0:
        cut = open_angle
    return max(cut, 1)


def truncate(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis when it was longer."""
    return text if len(text) <= limit else text[: limit - 1] + "…"

"""A templated answer split at its template's headings, on the parsed document.

A heading is a Markdown heading (levels 1–4), a line that is only bold text (`**부제**`, optionally followed by a
colon), or `#제목` written without the space CommonMark needs: the forms models use for a template's headings.
Each section's Markdown is its source lines as written, and its document is the blocks between the headings
(no second parse).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.markdown.model import Block, Break, Document, Heading, Inline, Paragraph, Strong, Text, plain

_UNSPACED = re.compile(r"^#{1,4}(?P<title>[^#\s][^#]*?)\s*:?\s*$")


@dataclass(frozen=True, slots=True)
class Split:
    heading: str  # the template's spelling
    body: str  # the section's Markdown as written
    document: Document


def _key(title: str) -> str:
    return "".join(title.rstrip().removesuffix(":").split())


def _line_title(nodes: Sequence[Inline]) -> str | None:
    """The title when one paragraph line is a heading (`**제목**`, `**제목**:`, `#제목`), else None."""
    if len(nodes) == 1 and isinstance(nodes[0], Text):
        match = _UNSPACED.match(nodes[0].text.strip())
        return match.group("title") if match else None
    if not nodes or not isinstance(nodes[0], Strong):
        return None
    rest = "".join(n.text if isinstance(n, Text) else "\x00" for n in nodes[1:])
    return plain(nodes[0].children) if rest.strip() in ("", ":") else None


def _paragraph_lines(paragraph: Paragraph) -> list[tuple[int, tuple[Inline, ...]]]:
    """(source line, the inlines on it) for each line of a paragraph."""
    lines: list[tuple[int, tuple[Inline, ...]]] = []
    current: list[Inline] = []
    for node in paragraph.children:
        if isinstance(node, Break):
            lines.append((paragraph.lines[0] + len(lines), tuple(current)))
            current = []
        else:
            current.append(node)
    lines.append((paragraph.lines[0] + len(lines), tuple(current)))
    return lines


def split(document: Document, headings: Sequence[str]) -> list[Split] | None:
    """The sections when the answer uses at least half of `headings`, else None."""
    wanted = {_key(h): h for h in headings}
    found: list[tuple[str, int, int]] = []  # (heading, its line, first body line)
    for block in document.blocks:
        if isinstance(block, Heading) and block.level <= 4:
            key = _key(plain(block.children))
            if key in wanted:
                found.append((wanted[key], block.lines[0], block.lines[1]))
        elif isinstance(block, Paragraph):
            for line, nodes in _paragraph_lines(block):
                title = _line_title(nodes)
                if title is not None and _key(title) in wanted:
                    found.append((wanted[_key(title)], line, line + 1))
    if not found or len(found) * 2 < len(headings):
        return None
    ends = [line for _, line, _ in found[1:]] + [len(document.source)]
    return [
        Split(heading, "\n".join(document.source[first:end]).strip(), _between(document, first, end))
        for (heading, _, first), end in zip(found, ends, strict=True)
    ]


def _between(document: Document, first: int, end: int) -> Document:
    """The blocks between two source lines; a paragraph a heading line cut through keeps its own lines."""
    blocks: list[Block] = []
    for block in document.blocks:
        start, stop = block.lines
        if start >= first and stop <= end:
            blocks.append(block)
        elif isinstance(block, Paragraph) and start < end and stop > first:
            kept = [(line, nodes) for line, nodes in _paragraph_lines(block) if first <= line < end]
            if kept:
                children: list[Inline] = []
                for position, (_, nodes) in enumerate(kept):
                    children.extend(((Break(),) if position else ()) + nodes)
                blocks.append(Paragraph(tuple(children), (kept[0][0], kept[-1][0] + 1)))
    return Document(tuple(blocks), document.source)

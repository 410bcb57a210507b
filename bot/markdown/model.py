"""The document model: what a reply's Markdown says, once, for every adapter to render.

Frozen and typed, so a parsed document can be shared between threads and cached on a `Reply`. Blocks keep the
source lines they came from (`lines`, first and end as in markdown-it's maps), so renderers can keep the blank
lines the writer put between blocks and `sections` can hand back a section's Markdown exactly as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Lines = tuple[int, int]  # [first, end) lines of the source text

# ---- inlines --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    text: str


@dataclass(frozen=True, slots=True)
class Code:
    """Inline code: shown verbatim."""

    text: str


@dataclass(frozen=True, slots=True)
class Break:
    """A line break inside a paragraph; `hard` when the writer forced it (two spaces or a backslash)."""

    hard: bool = False


@dataclass(frozen=True, slots=True)
class Strong:
    children: tuple[Inline, ...]
    markup: str = "**"  # as written ("**" or "__"), for renderers whose target is Markdown again


@dataclass(frozen=True, slots=True)
class Emphasis:
    children: tuple[Inline, ...]
    markup: str = "*"


@dataclass(frozen=True, slots=True)
class Strike:
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Link:
    """A link whose target passed markdown-it's check (no javascript:, vbscript:, file: or data:)."""

    children: tuple[Inline, ...]
    href: str


@dataclass(frozen=True, slots=True)
class Image:
    alt: str
    src: str


Inline = Text | Code | Break | Strong | Emphasis | Strike | Link | Image

# ---- blocks ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    children: tuple[Inline, ...]
    lines: Lines


@dataclass(frozen=True, slots=True)
class Paragraph:
    children: tuple[Inline, ...]
    lines: Lines


@dataclass(frozen=True, slots=True)
class ListItem:
    blocks: tuple[Block, ...]
    lines: Lines


@dataclass(frozen=True, slots=True)
class ListBlock:
    items: tuple[ListItem, ...]
    ordered: bool
    start: int
    lines: Lines


@dataclass(frozen=True, slots=True)
class CodeBlock:
    text: str  # ends with a newline, as in the source
    language: str
    lines: Lines


@dataclass(frozen=True, slots=True)
class Quote:
    blocks: tuple[Block, ...]
    lines: Lines


@dataclass(frozen=True, slots=True)
class Cell:
    children: tuple[Inline, ...]
    source: str  # the cell's Markdown as written (an escaped pipe unescaped), for Markdown targets


Align = Literal["", "left", "center", "right"]


@dataclass(frozen=True, slots=True)
class TableBlock:
    """A GFM table; every row has exactly as many cells as the header."""

    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    align: tuple[Align, ...]
    lines: Lines


@dataclass(frozen=True, slots=True)
class Rule:
    lines: Lines


Block = Heading | Paragraph | ListBlock | CodeBlock | Quote | TableBlock | Rule


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed Markdown text: its top-level blocks and the source lines they point into."""

    blocks: tuple[Block, ...]
    source: tuple[str, ...]  # the text's lines (line endings normalised to \n)

    def blank_lines_before(self, block: Block | ListItem) -> int:
        """How many blank source lines lie right before `block` (or list item) (what a renderer keeps between blocks)."""
        count, line = 0, block.lines[0] - 1
        while line >= 0 and not self.source[line].strip():
            count, line = count + 1, line - 1
        return count


# ---- helpers every renderer needs -----------------------------------------------------------------------


def plain(inlines: tuple[Inline, ...]) -> str:
    """The text a reader sees, without any formatting (link labels, not their targets)."""
    out: list[str] = []
    for node in inlines:
        if isinstance(node, Text | Code):
            out.append(node.text)
        elif isinstance(node, Break):
            out.append("\n")
        elif isinstance(node, Image):
            out.append(node.alt)
        else:
            out.append(plain(node.children))
    return "".join(out)

"""A parsed reply (bot.markdown) → what an Adaptive Card shows: Markdown runs for TextBlocks and tables.

A TextBlock renders bold, italics, lists and links but neither headings nor tables. So a run of blocks is
shown as the writer wrote it, headings become bold lines, and the top-level GFM tables become Table parts
(rendered as Table elements by cards.py). Tables inside lists or quotes stay text: cutting them out would break
the block around them; tables wider than Teams can show stay text too.
"""

from __future__ import annotations

from bot.conversation import Table
from bot.markdown import Document, parse
from bot.markdown.model import (
    Block,
    Break,
    Code,
    Heading,
    Image,
    Inline,
    Link,
    Strike,
    Strong,
    TableBlock,
    Text,
)

MAX_TABLE_COLUMNS = 12  # wider tables are unreadable in Teams (and each cell costs ~100 bytes): left as text


def markdown_for_card(text: str) -> str:
    """`text` as a TextBlock shows it (headings as bold lines, tables as written)."""
    return "".join(str(p) for p in card_pieces(parse(text), tables=False))


def split_markdown_tables(text: str) -> list[str | Table]:
    """The text as Markdown runs (as written) and the top-level tables between them; [text] without a table."""
    document = parse(text)
    if not any(_is_card_table(block) for block in document.blocks):
        return [text]
    return card_pieces(document, headings=False)


def _is_card_table(block: Block) -> bool:
    return isinstance(block, TableBlock) and 0 < len(block.header) <= MAX_TABLE_COLUMNS


def card_pieces(document: Document, *, tables: bool = True, headings: bool = True) -> list[str | Table]:
    """The document as TextBlock Markdown runs and the tables between them, in order."""
    pieces: list[str | Table] = []
    run: list[str] = []
    for block in document.blocks:
        if tables and isinstance(block, TableBlock) and _is_card_table(block):
            if run:
                pieces.append("".join(run))
                run = []
            pieces.append(_table(block))
            continue
        if run:
            run.append("\n" * (1 + document.blank_lines_before(block)))
        run.append(_block(document, block, headings))
    if run:
        pieces.append("".join(run))
    return pieces


def _block(document: Document, block: Block, headings: bool) -> str:
    if headings and isinstance(block, Heading):
        return f"**{inline_markdown(block.children, in_bold=True)}**" if block.children else ""
    first, end = block.lines
    return "\n".join(document.source[first:end]).rstrip()  # as written: Teams reads this Markdown itself


def _table(block: TableBlock) -> Table:
    return Table(
        tuple(cell.source for cell in block.header),
        tuple(tuple(cell.source for cell in row) for row in block.rows),
    )


def inline_markdown(nodes: tuple[Inline, ...], in_bold: bool = False) -> str:
    """Inlines written back as the Markdown a TextBlock reads (a table cell keeps its bold and links)."""
    out: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            out.append(node.text)
        elif isinstance(node, Break):
            out.append("\n")
        elif isinstance(node, Code):
            out.append(f"`{node.text}`")
        elif isinstance(node, Image):
            out.append(f"![{node.alt}]({node.src})")
        elif isinstance(node, Link):
            out.append(f"[{inline_markdown(node.children, in_bold)}]({node.href})")
        elif isinstance(node, Strong) and in_bold:
            out.append(inline_markdown(node.children, in_bold))
        else:
            marker = "~~" if isinstance(node, Strike) else node.markup
            inner = inline_markdown(node.children, in_bold or isinstance(node, Strong))
            out.append(marker + inner + marker)
    return "".join(out)

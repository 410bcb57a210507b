"""A parsed reply (bot.markdown) → safe HTML for the web chat page.

Every piece of text is escaped; the only tags are the ones written here; a link keeps its target only when it
is http, https or mailto (anything else is shown as its label). The page inserts this HTML as it is, so this
module is where the chat's cross-site-scripting defence lives (tests/unit/test_markdown_renderers.py).
"""

from __future__ import annotations

from html import escape

from bot.markdown import Document
from bot.markdown.model import (
    Block,
    Break,
    Code,
    CodeBlock,
    Emphasis,
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

SAFE_SCHEMES = ("http://", "https://", "mailto:")


def document_html(document: Document) -> str:
    """The document as HTML: headings as <h4> (the page's style), lists, code, quotes, tables, links."""
    return "".join(_block(block) for block in document.blocks)


def _block(block: Block) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{_inlines(block.children)}</p>"
    if isinstance(block, Heading):
        return f"<h4>{_inlines(block.children)}</h4>"
    if isinstance(block, ListBlock):
        tag = "ol" if block.ordered else "ul"
        start = f' start="{block.start}"' if block.ordered and block.start != 1 else ""
        items = "".join(f"<li>{_item(item.blocks)}</li>" for item in block.items)
        return f"<{tag}{start}>{items}</{tag}>"
    if isinstance(block, CodeBlock):
        return f"<pre><code>{escape(block.text)}</code></pre>"
    if isinstance(block, Quote):
        return f"<blockquote>{''.join(_block(b) for b in block.blocks)}</blockquote>"
    if isinstance(block, TableBlock):
        head = "".join(
            f"<th{_align(a)}>{_inlines(c.children)}</th>" for c, a in zip(block.header, block.align, strict=False)
        )
        body = "".join(
            "<tr>"
            + "".join(f"<td{_align(a)}>{_inlines(c.children)}</td>" for c, a in zip(row, block.align, strict=False))
            + "</tr>"
            for row in block.rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return "<hr>"


def _item(blocks: tuple[Block, ...]) -> str:
    # A list item's single paragraph is shown without a <p> (tight lists, as the old page showed them).
    if len(blocks) == 1 and isinstance(blocks[0], Paragraph):
        return _inlines(blocks[0].children)
    return "".join(_block(b) for b in blocks)


def _align(align: str) -> str:
    return f' style="text-align:{align}"' if align else ""


def _inlines(nodes: tuple[Inline, ...]) -> str:
    out: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            out.append(escape(node.text, quote=False))
        elif isinstance(node, Break):
            out.append("<br>")
        elif isinstance(node, Code):
            out.append(f"<code>{escape(node.text, quote=False)}</code>")
        elif isinstance(node, Strong):
            out.append(f"<strong>{_inlines(node.children)}</strong>")
        elif isinstance(node, Emphasis):
            out.append(f"<em>{_inlines(node.children)}</em>")
        elif isinstance(node, Strike):
            out.append(f"<del>{_inlines(node.children)}</del>")
        elif isinstance(node, Link):
            label = _inlines(node.children)
            out.append(_link(node.href, label) if safe_href(node.href) else label)
        elif isinstance(node, Image):  # no remote images in the chat: a link to it instead
            label = escape(node.alt or node.src, quote=False)
            out.append(_link(node.src, label) if safe_href(node.src) else label)
    return "".join(out)


def safe_href(href: str) -> bool:
    return href.lower().startswith(SAFE_SCHEMES)


def _link(href: str, label: str) -> str:
    return f'<a href="{escape(href, quote=True)}" target="_blank" rel="noopener noreferrer">{label}</a>'

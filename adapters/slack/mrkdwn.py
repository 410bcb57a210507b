"""Markdown (what models write) → Slack mrkdwn, and splitting long text within Slack's limits.

Pure functions: no Slack client, no I/O, so they are unit- and property-tested on their own.
Slack's mrkdwn differs from Markdown: *bold*, _italic_, ~strike~, <url|label> links, no headings,
and &, <, > must always be escaped.
"""

from __future__ import annotations

import re

FENCE = "```"
_BOLD = "\x01"  # placeholder so bold markers survive the italic rule

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(\s*)[-*+]\s+(?=\S)")
_QUOTE = re.compile(r"^\s{0,3}>\s?")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_BOLD_STARS = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_BOLD_UNDERSCORES = re.compile(r"__(?=\S)(.+?)(?<=\S)__")
_ITALIC_STAR = re.compile(r"(?<![*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![*\w])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_MARKERS = re.compile(r"(?<![\w*_~])([*_~])(?=\S)([^\n]+?)(?<=\S)\1(?![\w*_~])")
_INLINE_CODE = re.compile(r"(`[^`\n]+`)")


def escape(text: str) -> str:
    """Escape the three characters Slack treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _link_label(label: str) -> str:
    # A label may not contain '|' or '>' (already escaped) inside <url|label>.
    return label.replace("|", "¦")


def _inline(segment: str) -> str:
    """Convert one piece of a line that is not inline code."""
    links: list[str] = []

    def keep(rendered: str) -> str:
        links.append(rendered)
        return f"\x02{len(links) - 1}\x03"

    segment = _IMAGE.sub(
        lambda m: keep(f"<{escape(m.group(2))}|{_link_label(escape(m.group(1)) or 'image')}>"), segment
    )
    segment = _LINK.sub(lambda m: keep(f"<{escape(m.group(2))}|{_link_label(escape(m.group(1)))}>"), segment)
    segment = escape(segment)
    segment = _BOLD_STARS.sub(lambda m: f"{_BOLD}{m.group(1)}{_BOLD}", segment)
    segment = _BOLD_UNDERSCORES.sub(lambda m: f"{_BOLD}{m.group(1)}{_BOLD}", segment)
    segment = _ITALIC_STAR.sub(lambda m: f"_{m.group(1)}_", segment)
    segment = _STRIKE.sub(lambda m: f"~{m.group(1)}~", segment)
    segment = segment.replace(_BOLD, "*")
    return re.sub(r"\x02(\d+)\x03", lambda m: links[int(m.group(1))], segment)


def _line(line: str) -> str:
    heading = _HEADING.match(line)
    if heading:
        inner = heading.group(1).replace("**", "").replace("__", "")
        return f"*{_inline(inner)}*" if inner else ""
    prefix = ""
    quote = _QUOTE.match(line)
    if quote:
        prefix, line = ">", line[quote.end() :]
        prefix += " " if line else ""
    bullet = _BULLET.match(line)
    if bullet:
        prefix += bullet.group(1) + "• "
        line = line[bullet.end() :]
    pieces = _INLINE_CODE.split(line)
    body = "".join(escape(piece) if index % 2 else _inline(piece) for index, piece in enumerate(pieces))
    return prefix + body


_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _tables_as_code(lines: list[str]) -> list[str]:
    """Slack has no Markdown tables: a pipe table becomes a monospaced block (its |---| rule dropped)."""
    out: list[str] = []
    index = 0
    in_code = False
    while index < len(lines):
        line = lines[index]
        if line.strip().startswith(FENCE):
            in_code = not in_code
        is_table = (
            not in_code and _TABLE_ROW.match(line) and index + 1 < len(lines) and _TABLE_RULE.match(lines[index + 1])
        )
        if not is_table:
            out.append(line)
            index += 1
            continue
        block = [line.strip()]
        index += 2
        while index < len(lines) and _TABLE_ROW.match(lines[index]):
            block.append(lines[index].strip())
            index += 1
        out += [FENCE, *block, FENCE]
    return out


def to_mrkdwn(markdown: str) -> str:
    """Markdown → Slack mrkdwn. Code (fenced and inline) is kept verbatim apart from escaping."""
    out: list[str] = []
    in_code = False
    for line in _tables_as_code(markdown.replace("\r\n", "\n").split("\n")):
        if line.strip().startswith(FENCE):
            # Slack ignores the language after the fence; keep just the fence.
            in_code = not in_code
            out.append(FENCE)
            continue
        out.append(escape(line) if in_code else _line(line))
    if in_code:
        out.append(FENCE)
    return "\n".join(out)


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

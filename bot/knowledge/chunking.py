"""Split a document into citable passages: laws by article, guidelines by heading, other text by paragraph.

A passage keeps what a citation needs (document title, article number, heading or heading path, the
effective date when the document states it). Pure: text in, chunks out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import yaml

# "##### 제2조 (정의)", "제2조(정의)", "제35조의2 (적용 배제)"; a plain-text article line needs its heading in
# parentheses, so a sentence that starts with "제8조제1항에 따라" is never taken for an article.
_ARTICLE = re.compile(
    r"^(?P<md>#{1,6}\s*)?제\s*(?P<num>\d+)\s*조(?:\s*의\s*(?P<branch>\d+))?"
    r"\s*(?:[(（](?P<heading>[^)）\n]{0,80})[)）])?(?P<rest>.*)$"
)
_MD_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
_ADDENDA = re.compile(r"^#{1,6}\s*부\s*칙\b")
ADDENDA = "부칙"
_DATE = re.compile(r"(\d{4})[-.년]\s*(\d{1,2})[-.월]\s*(\d{1,2})")
_EFFECTIVE_LINE = re.compile(r"(?:시행일자|시행일|시행)\s*[:：]?\s*[\[(]?\s*(\d{4}[-.]\s*\d{1,2}[-.]\s*\d{1,2})")


@dataclass(frozen=True, slots=True)
class Chunk:
    """One passage as it is stored and cited."""

    document: str
    text: str
    ordinal: int
    article: str | None = None  # "제8조", "제35조의2"
    heading: str | None = None  # the article's heading, or the last section heading
    path: tuple[str, ...] = field(default_factory=tuple)  # chapters / section headings above it
    effective_date: str | None = None  # ISO date when the document states it

    @property
    def citation(self) -> str:
        """「act name」 제N조 — how an answer names this passage."""
        if self.article:
            return f"「{self.document}」 {self.article}"
        if self.heading:
            return f"「{self.document}」 {self.heading}"
        return f"「{self.document}」"


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    title: str
    body: str
    effective_date: str | None
    kind: str  # "law" | "guideline" | "text"


def split_front_matter(text: str) -> tuple[dict, str]:
    """YAML front matter (between leading '---' lines) and the rest; a broken block is left as text."""
    if not text.startswith("---"):
        return {}, text
    lines = text.splitlines(keepends=True)
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            try:
                meta = yaml.safe_load("".join(lines[1:index])) or {}
            except yaml.YAMLError:
                return {}, text
            if not isinstance(meta, dict):
                return {}, text
            return meta, "".join(lines[index + 1 :])
    return {}, text


def _iso_date(value: object) -> str | None:
    if value is None:
        return None
    match = _DATE.search(str(value))
    if not match:
        return None
    year, month, day = (int(part) for part in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _first_heading(body: str) -> str | None:
    for line in body.splitlines():
        match = _MD_HEADING.match(line.strip())
        if match:
            return match.group("text").strip()
        if line.strip():
            return None
    return None


_REFERENCE_TAIL = re.compile(r"^(?:\s*(?:및|또는|ㆍ|·|,|제\d)|(?:의|에|을|를|이|가|과|와|부터|까지))")


def _article_match(line: str, markdown: bool) -> re.Match[str] | None:
    """An article heading: a Markdown heading when the document uses them; otherwise "제N조(제목) 본문",
    but not a sentence that starts by citing one ("제12조(…) 및 제13조(…)의 …")."""
    match = _ARTICLE.match(line)
    if match is None:
        return None
    if markdown:
        return match if match.group("md") else None
    if match.group("md"):
        return match
    if match.group("heading") is None or _REFERENCE_TAIL.match(match.group("rest")):
        return None
    return match


def _uses_markdown_articles(lines: Sequence[str]) -> bool:
    return sum(1 for line in lines if (m := _ARTICLE.match(line.strip())) and m.group("md")) >= 2


def article_lines(lines: Sequence[str]) -> int:
    """How many lines look like article headings (a document with several is a law or decree)."""
    markdown = _uses_markdown_articles(lines)
    return sum(1 for line in lines if _article_match(line.strip(), markdown))


def parse_document(text: str, fallback_title: str) -> ParsedDocument:
    """Title, body, effective date and kind of a document, from its front matter or its first lines."""
    meta, body = split_front_matter(text.replace("\r\n", "\n").replace("\r", "\n"))
    title = str(meta.get("제목") or meta.get("title") or "").strip() or _first_heading(body) or fallback_title
    effective = _iso_date(meta.get("시행일자") or meta.get("effective_date"))
    if effective is None:
        match = _EFFECTIVE_LINE.search(body[:2000])
        effective = _iso_date(match.group(1)) if match else None
    lines = body.splitlines()
    if article_lines(lines) >= 2:
        kind = "law"
    elif any(_MD_HEADING.match(line.strip()) for line in lines):
        kind = "guideline"
    else:
        kind = "text"
    return ParsedDocument(title=title, body=body, effective_date=effective, kind=kind)


def restore_branches(numbers: Iterable[tuple[int, int | None]]) -> list[tuple[int, int | None]]:
    """Give lost branch numbers back: a repeated 제N조 right after 제N조 (or 제N조의k) is the next branch.

    The statute conversion writes 제2조의2 as a second "제2조"; an explicit branch is kept as written.
    """
    restored: list[tuple[int, int | None]] = []
    for number, branch in numbers:
        if branch is None and restored and restored[-1][0] == number:
            previous = restored[-1][1]
            branch = 2 if previous is None else previous + 1
        restored.append((number, branch))
    return restored


def article_label(number: int, branch: int | None) -> str:
    return f"제{number}조" if branch is None else f"제{number}조의{branch}"


def _clean(text: str) -> str:
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)  # **①** → ①
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def chunk_law(doc: ParsedDocument) -> list[Chunk]:
    """One chunk per article (항/호/목 stay inside); chapter headings become the path."""
    sections: list[tuple[int, int | None, str | None, tuple[str, ...], list[str]]] = []
    path: list[tuple[int, str]] = []
    lines = doc.body.splitlines()
    addenda: list[str] = []
    markdown = _uses_markdown_articles(lines)
    for index, raw in enumerate(lines):
        line = raw.strip()
        if _ADDENDA.match(line):  # 부칙: each amendment restarts at 제1조; kept as plain passages
            addenda = lines[index + 1 :]
            break
        match = _article_match(line, markdown)
        if match:
            branch = int(match.group("branch")) if match.group("branch") else None
            heading = (match.group("heading") or "").strip() or None
            rest = match.group("rest").strip()
            sections.append(
                (int(match.group("num")), branch, heading, tuple(t for _, t in path), [rest] if rest else [])
            )
            continue
        heading_match = _MD_HEADING.match(line)
        if heading_match:
            level = len(heading_match.group("hashes"))
            if level == 1:  # the document title
                continue
            text = heading_match.group("text").strip()
            if re.match(r"^제\s*\d+\s*[편장절관]", text) or level <= 4:
                depth = _division_depth(text)
                path[:] = [(d, t) for d, t in path if d < depth]  # a new 장 ends the previous 장 and its 절
                path.append((depth, text))
            continue
        if sections:
            sections[-1][4].append(raw)
    numbers = restore_branches((number, branch) for number, branch, *_ in sections)
    chunks: list[Chunk] = []
    for (number, branch), (_, _, heading, where, body) in zip(numbers, sections, strict=True):
        text = _clean("\n".join(body))
        if not text:  # a deleted article keeps its number (it counts for branches) but has nothing to cite
            continue
        chunks.append(
            Chunk(
                document=doc.title,
                text=text,
                ordinal=len(chunks),
                article=article_label(number, branch),
                heading=heading,
                path=where,
                effective_date=doc.effective_date,
            )
        )
    for piece in split_paragraphs(_clean("\n".join(addenda)), max_chars=800, overlap=0) if addenda else []:
        chunks.append(
            Chunk(
                document=doc.title,
                text=piece,
                ordinal=len(chunks),
                heading=ADDENDA,
                path=(ADDENDA,),
                effective_date=doc.effective_date,
            )
        )
    return chunks


def _division_depth(text: str) -> int:
    for depth, unit in enumerate("편장절관"):
        if re.match(rf"^제\s*\d+(?:\s*장의\s*\d+)?\s*{unit}", text):
            return depth
    return 1  # an unnumbered division (e.g. "총칙") sits at chapter level


def chunk_guideline(doc: ParsedDocument, max_chars: int = 1200) -> list[Chunk]:
    """One chunk per Markdown section, long sections split by paragraph; the heading path is kept."""
    chunks: list[Chunk] = []
    stack: list[tuple[int, str]] = []
    buffer: list[str] = []

    def flush() -> None:
        text = _clean("\n".join(buffer))
        buffer.clear()
        if not text:
            return
        path = tuple(h for _, h in stack)
        for piece in split_paragraphs(text, max_chars=max_chars, overlap=0):
            chunks.append(
                Chunk(
                    document=doc.title,
                    text=piece,
                    ordinal=len(chunks),
                    heading=path[-1] if path else None,
                    path=path,
                    effective_date=doc.effective_date,
                )
            )

    for raw in doc.body.splitlines():
        match = _MD_HEADING.match(raw.strip())
        if match:
            flush()
            level = len(match.group("hashes"))
            while stack and stack[-1][0] >= level:
                stack.pop()
            if not (level == 1 and match.group("text").strip() == doc.title):
                stack.append((level, match.group("text").strip()))
            continue
        buffer.append(raw)
    flush()
    return chunks


def split_paragraphs(text: str, *, max_chars: int = 800, overlap: int = 1) -> list[str]:
    """Paragraphs packed into pieces of at most ~max_chars; `overlap` paragraphs repeat at each boundary
    so a sentence that needs its neighbour still finds it. A single over-long paragraph is cut by sentence."""
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        block = block.strip()
        if not block:
            continue
        if len(block) <= max_chars:
            paragraphs.append(block)
            continue
        sentences = re.split(r"(?<=[.!?다요])\s+", block)
        current = ""
        for sentence in sentences:
            while len(sentence) > max_chars:
                if current:
                    paragraphs.append(current)
                    current = ""
                paragraphs.append(sentence[:max_chars])
                sentence = sentence[max_chars:]
            if current and len(current) + 1 + len(sentence) > max_chars:
                paragraphs.append(current)
                current = sentence
            else:
                current = f"{current} {sentence}".strip()
        if current:
            paragraphs.append(current)
    pieces: list[str] = []
    start = 0
    while start < len(paragraphs):
        end = start
        size = 0
        while end < len(paragraphs) and (end == start or size + len(paragraphs[end]) + 2 <= max_chars):
            size += len(paragraphs[end]) + 2
            end += 1
        pieces.append("\n\n".join(paragraphs[start:end]))
        if end >= len(paragraphs):
            break
        start = max(end - overlap, start + 1)
    return pieces


def chunk_text(doc: ParsedDocument) -> list[Chunk]:
    return [
        Chunk(document=doc.title, text=piece, ordinal=index, effective_date=doc.effective_date)
        for index, piece in enumerate(split_paragraphs(doc.body))
    ]


def chunk_document(text: str, fallback_title: str) -> tuple[ParsedDocument, list[Chunk]]:
    """Parse and split one document's text by the structure it has."""
    doc = parse_document(text, fallback_title)
    if doc.kind == "law":
        return doc, chunk_law(doc)
    if doc.kind == "guideline":
        return doc, chunk_guideline(doc)
    return doc, chunk_text(doc)

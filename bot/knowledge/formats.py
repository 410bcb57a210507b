"""Text out of a file for the knowledge base: Markdown/TXT as they are, HTML through lxml, and PDF,
DOCX, HWPX through bot/documents/extract.py, HWP 5.0 (binary) through bot/knowledge/hwp.py."""

from __future__ import annotations

from bot.documents.extract import decode_text, extract_text
from bot.knowledge.hwp import HwpUnreadable, hwp_text

MAX_DOCUMENT_CHARS = 3_000_000  # a whole statute book is ~1 MB of text
SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf", ".docx", ".hwpx", ".hwp")


def supported(name: str) -> bool:
    return name.lower().endswith(SUFFIXES)


def html_text(data: bytes) -> str:
    """Visible text of an HTML page; headings become Markdown headings so the chunker keeps sections."""
    import lxml.html

    root = lxml.html.fromstring(decode_text(data) or "<html></html>")
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    lines: list[str] = []
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            lines.append("#" * int(tag[1]) + " " + element.text_content().strip())
        elif tag in {"p", "li", "td", "pre", "blockquote"}:
            text = element.text_content().strip()
            if text:
                lines.append(text + "\n")
    return "\n".join(lines)


def read_document(name: str, data: bytes) -> tuple[str, str | None]:
    """(text, None) or ("", reason in Korean / English)."""
    lowered = name.lower()
    if not supported(name):
        return (
            "",
            "지원하지 않는 형식입니다(PDF, DOCX, HWPX, HWP, TXT, MD, HTML) / unsupported format (PDF, DOCX, HWPX, HWP, TXT, MD, HTML)",
        )
    if lowered.endswith(".hwp"):
        try:
            text = hwp_text(data)
        except HwpUnreadable as error:
            return "", str(error)
        except Exception:  # noqa: BLE001 - a damaged file is a reason, not a crash
            return (
                "",
                "HWP 파일을 읽지 못했습니다. 한글에서 HWPX나 PDF로 저장해 올려 주세요 / the HWP file could not be read; save it as HWPX or PDF",
            )
    elif lowered.endswith((".md", ".markdown", ".txt")):
        text = decode_text(data)
    elif lowered.endswith((".html", ".htm")):
        try:
            text = html_text(data)
        except Exception:  # noqa: BLE001 - a broken page is a reason, not a crash
            return "", "HTML을 읽지 못했습니다 / the HTML could not be read"
    else:
        extracted = extract_text(name, "", data, limit=MAX_DOCUMENT_CHARS)
        if extracted.error:
            return "", extracted.error
        text = extracted.text
    if not text.strip():
        return "", "내용이 비어 있습니다 / the file is empty"
    return text[:MAX_DOCUMENT_CHARS], None

"""Where an official's message quotes a citizen: those words are the citizen's, not the official's.

Officials paste abusive complaints to get help answering them; the quoted abuse is masked, never a reason
to refuse. Quoted are:
  - text after a lead-in that ends with a colon and names what follows (민원:, 민원 내용:, "이 민원에 회신문
    초안 써줘:", 원문:, 신고 내용:, 댓글:), to the end of the message;
  - text in quotation marks ("…", “…”, ‘…’, '…', 「…」, 『…』, «…») and Markdown quotes (lines starting with >);
  - attached files as the dispatcher joins them ("[첨부: 이름]" to the next attachment or the end).
Everything else is the official's own words.
"""

from __future__ import annotations

import re

# A lead-in: up to 80 characters on one line that mention what is being quoted, then a colon.
_LEAD_IN = re.compile(
    r"(?m)^[^\n:]{0,80}?(민원|민원인|진정|신고|항의|회신|답변|답신|원문|게시글|댓글|내용|문의|글|메일|편지|문자)"
    r"[^\n:]{0,40}[:：]"
)
_PAIRS = {'"': '"', "“": "”", "‘": "’", "'": "'", "「": "」", "『": "』", "«": "»"}
_QUOTED = re.compile("|".join(f"{re.escape(o)}[^{re.escape(c)}]{{2,}}?{re.escape(c)}" for o, c in _PAIRS.items()), re.S)
_BLOCKQUOTE = re.compile(r"(?m)^[ \t]*>[^\n]*")
_ATTACHMENT = re.compile(r"(?m)^\[첨부: [^\]\n]*\]\n")


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every quoted stretch of `text`, merged and sorted."""
    spans: list[tuple[int, int]] = []
    lead = _LEAD_IN.search(text)
    if lead:
        spans.append((lead.end(), len(text)))
    spans += [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    spans += [(m.start(), m.end()) for m in _BLOCKQUOTE.finditer(text)]
    attachments = list(_ATTACHMENT.finditer(text))
    for index, match in enumerate(attachments):
        end = attachments[index + 1].start() if index + 1 < len(attachments) else len(text)
        spans.append((match.end(), end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)

"""The topic of a request ("전동킥보드 관련 민원을 …" → 전동킥보드), its variants and synonyms, and the
filter that keeps the complaints about it. Pure functions."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from assistants.skills.complaints.features import compact

# "<topic> 관련/관한/대한/에 대한/문제 민원", "민원 중 <topic> 관련", "<topic> 민원"
_TOPIC_PATTERNS = (
    re.compile(
        r"(?:^|\s)([가-힣A-Za-z0-9·\s]{1,30}?)\s*(?:관련(?:된|한)?|에\s?관한|에\s?대한|에\s?관해|관해|관한|대한)\s*(?:민원|것|건|내용|신고)"
    ),
    re.compile(
        r"민원\s*(?:중|가운데|중에서|에서)\s*([가-힣A-Za-z0-9·\s]{1,30}?)\s*(?:관련|에\s?관한|에\s?대한|문제|민원|만|것|건)"
    ),
    re.compile(
        r"(?:^|\s)([가-힣A-Za-z0-9·]{2,20}(?:\s[가-힣A-Za-z0-9·]{2,20})?)\s*(?:문제|쪽)?\s*민원(?:을|들을|만|들만|들|만을)?\s"
    ),
)
# Words that describe the request, not a topic ("모든 민원", "접수된 민원").
_NOT_TOPICS = {
    "모든",
    "전체",
    "접수된",
    "이",
    "이번",
    "첨부한",
    "첨부된",
    "아래",
    "다음",
    "이번달",
    "이번주",
    "최근",
    "올해",
    "들어온",
    "받은",
    "붙여넣은",
    "파일의",
    "파일",
    "목록의",
    "목록",
    "그",
    "위",
    "우리",
    "구청",
    "시민",
    "주민",
    "민원",
    "중",
    "가운데",
    "달",
    "주",
    "긴급한",
    "급한",
    "중요한",
}
_SHORT_ASCII = re.compile(r"^[A-Za-z]{1,3}$")


def extract_topic(request: str) -> str | None:
    """The topic the official named, or None for "all complaints"."""
    first_line = request.strip().split("\n", 1)[0]
    for pattern in _TOPIC_PATTERNS:
        match = pattern.search(first_line)
        if not match:
            continue
        words = [w for w in match.group(1).split() if w not in _NOT_TOPICS]
        topic = " ".join(words).strip(" ·")
        if topic and compact(topic) and topic not in _NOT_TOPICS:
            return topic
    return None


def expand(topic: str, synonyms: Mapping[str, Sequence[str]], extra: Iterable[str] = ()) -> list[str]:
    """The topic, its synonym group from app.yaml (matched in either direction, spacing ignored) and
    any extra terms (from a model), without duplicates, in a stable order."""
    wanted = compact(topic)
    terms = [topic]
    for head, variants in synonyms.items():
        group = [head, *variants]
        if any(
            compact(term) == wanted or (len(wanted) >= 3 and compact(term) and compact(term) in wanted)
            for term in group
        ):
            terms.extend(group)
    terms.extend(extra)
    seen: set[str] = set()
    unique = []
    for term in terms:
        key = term if _SHORT_ASCII.match(term.strip()) else compact(term)
        if key and key not in seen:
            seen.add(key)
            unique.append(term.strip())
    return unique


def matcher(terms: Sequence[str]):
    """A predicate: does a complaint mention any of `terms`? Spacing is ignored; short Latin terms
    ("PM") must stand alone and match case, so "3pm" or "RPM" do not count."""
    words = [compact(t) for t in terms if not _SHORT_ASCII.match(t.strip()) and compact(t)]
    short = [
        re.compile(rf"(?<![A-Za-z]){re.escape(t.strip())}(?![A-Za-z])") for t in terms if _SHORT_ASCII.match(t.strip())
    ]

    def mentions(text: str) -> bool:
        flat = compact(text)
        return any(w in flat for w in words) or any(p.search(text) for p in short)

    return mentions


def clean_model_terms(terms: Iterable[object], limit: int = 12) -> list[str]:
    """Terms a model proposed, kept only if they look like a short name (2–20 characters, no markup)."""
    kept = []
    for term in terms:
        if not isinstance(term, str):
            continue
        term = term.strip().strip("\"'`")
        if (
            2 <= len(term) <= 20
            and re.fullmatch(r"[가-힣A-Za-z0-9\s·()\-]+", term)
            and not re.search(r"민원|관련|문제", term)
        ):
            kept.append(term)
    return kept[:limit]

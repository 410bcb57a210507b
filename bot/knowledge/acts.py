"""Act names in a question, and whether the searched collections hold those acts.

"청탁금지법상 음료수 받아도 되나" names an act; if no searched document is that act, the right answer is
"관련 조문을 찾지 못했습니다", however many words (민원인, 받다) the question shares with the statutes
that are loaded. Officials shorten act names (정보공개법, 민원처리법): a name is held when it is a
document's title, or an abbreviation of one (its syllables in the title's order, starting with the title's
first syllable), after the office thesaurus has rewritten known aliases (옥외광고물법 → the full title).
Pure: text in, names out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# a word ending in 법, optionally followed by a particle ("청탁금지법상", "건축법에서", "도로법으로")
_ACT_WORD = re.compile(r"^([가-힣A-Za-z]+법)(?:상|에|에서|에서는|에선|으로|이|은|을|의|에는|대로|위반)?[?!.,]*$")
# words ending in 법 that are not acts: ways and manners (방법, 쓰는법, 사용법), legality (불법, 위법),
# and words asking for an act rather than naming one (근거법, 관련법)
_NOT_ACTS = {
    "방법",
    "불법",
    "위법",
    "적법",
    "합법",
    "편법",
    "입법",
    "문법",
    "용법",
    "수법",
    "비법",
    "기법",
    "요법",
    "어법",
    "탈법",
    "준법",
    "사법",
    "해법",
    "화법",
    "작법",
    "헌법",  # the constitution is not "an act the office did not load" in any useful sense
    # "which act": 근거법이 뭐야, 관련법 찾아줘
    "근거법",
    "관련법",
    "관계법",
    "해당법",
    "현행법",
    "개별법",
    "상위법",
    "하위법",
    "특별법",
    "일반법",
    "실정법",
}
_BRACKETS = re.compile(r"[「」『』《》〈〉\"'()\[\]]")
_HOW_TO = {"사용법", "활용법", "계산법", "해결법", "작성법", "처리법", "대처법", "신청법"}


def named_acts(text: str) -> list[str]:
    """The act names a question mentions ("건축법", "개인정보보호법"), without particles, in order."""
    found: list[str] = []
    for word in text.split():
        match = _ACT_WORD.match(_BRACKETS.sub("", word))
        if match is None:
            continue
        name = match.group(1)
        if len(name) < 3 or name in _NOT_ACTS or name in _HOW_TO or name.endswith("는법"):
            continue
        if name not in found:
            found.append(name)
    return found


def _compact(title: str) -> str:
    return re.sub(r"\s+", "", title)


def is_abbreviation(name: str, title: str) -> bool:
    """True when `name` is `title` or shortens it: same first syllable, its syllables in the title's order,
    ending in 법 where the title ends in 법/법률 ("민원처리법" ⊂ "민원처리에관한법률")."""
    name, title = _compact(name), _compact(title)
    if name == title:
        return True
    if not name or not title or name[0] != title[0] or "법" not in title:
        return False
    remaining = iter(title)
    return all(char in remaining for char in name)


def unknown_acts(names: Iterable[str], titles: Iterable[str]) -> list[str]:
    """The named acts that none of `titles` is (or abbreviates to)."""
    held = list(dict.fromkeys(titles))
    return [name for name in names if not any(is_abbreviation(name, title) for title in held)]

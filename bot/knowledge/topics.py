"""Which act governs a question's topic, when the question does not name it.

"위반건축물 이행강제금 얼마나 부과하나" names no act, yet 위반건축물 belongs to 건축법; if the searched collections
do not hold 건축법, the honest answer is "관련 조문을 찾지 못했습니다" with a hint of where to look, not the
이행강제금 article of 옥외광고물법 that shares its words. app.yaml `knowledge.other_acts` lists the acts an
office meets with a few terms that only they use; this module finds those terms in a question (spaces ignored:
"선거 운동" is 선거운동) and drops the acts the collections hold. Pure: text in, act names out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import ahocorasick

from bot.knowledge.acts import is_abbreviation

_SPACE = re.compile(r"\s+")


def compact(text: str) -> str:
    """`text` without spaces, lower-cased ("CCTV" and "cctv" are one term)."""
    return _SPACE.sub("", text).lower()


def _word_starts(text: str) -> tuple[str, set[int]]:
    """`text` compacted, and the positions in it where a word of `text` began."""
    starts: set[int] = set()
    position = 0
    for word in text.lower().split():
        starts.add(position)
        position += len(word)
    return "".join(text.lower().split()), starts


class TopicMap:
    """Topic terms → the act they belong to (one automaton, built once, read-only afterwards)."""

    def __init__(self, acts: Mapping[str, Sequence[str]]) -> None:
        self._automaton = ahocorasick.Automaton()
        for act, terms in acts.items():
            for term in terms:
                key = compact(term)
                if key:
                    self._automaton.add_word(key, (key, act))
        self._empty = len(self._automaton) == 0
        if not self._empty:
            self._automaton.make_automaton()

    def acts(self, text: str) -> list[str]:
        """The acts whose terms `text` holds, most distinct terms first (then first mention). A term must start
        where a word starts (spaces inside it are ignored: "선거 운동"; "후원금 연간" holds no "금연"); a term inside
        a longer matched term ("주차장" in "노상주차장") counts once, for the longer one."""
        if self._empty:
            return []
        joined, starts = _word_starts(text)
        found: list[tuple[int, int, str, str]] = []  # start, end, term, act
        for end, (term, act) in self._automaton.iter(joined):
            found.append((end - len(term) + 1, end, term, act))
        kept = [
            f
            for f in found
            if f[0] in starts
            and not any(o[0] in starts and o[0] <= f[0] and f[1] <= o[1] and o[1] - o[0] > f[1] - f[0] for o in found)
        ]
        terms: dict[str, set[str]] = {}
        first: dict[str, int] = {}
        for start, _, term, act in sorted(kept):
            terms.setdefault(act, set()).add(term)
            first.setdefault(act, start)
        count = Counter({act: len(held) for act, held in terms.items()})
        return sorted(count, key=lambda act: (-count[act], first[act]))


def not_held(acts: Iterable[str], titles: Iterable[str]) -> list[str]:
    """The `acts` that no document title is (or abbreviates to, or is an abbreviation of): an act the
    collections hold must never be hinted away."""
    held = [title for title in dict.fromkeys(titles)]
    return [
        act for act in acts if not any(is_abbreviation(act, title) or is_abbreviation(title, act) for title in held)
    ]

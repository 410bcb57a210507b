"""One Aho-Corasick automaton over the normalised skeleton finds every listed word at once.

Each word is added as written, as its initial-consonant spelling and as its English-keyboard
spelling. Hits inside a match of an allowed word (시발점, 시발역) are dropped.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

import ahocorasick

from bot.wordfilter.normalise import SkeletonTable, initials, keyboard_spelling, skeleton

MIN_INITIALS = 2


@dataclass(frozen=True, slots=True)
class WordHit:
    word: str  # the listed word (never shown to users; used for tests and admin reports)
    start: int  # span in the original text
    end: int
    allowed: bool = False


def builtin_words() -> list[str]:
    text = resources.files("bot.wordfilter").joinpath("builtin_ko.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _variants(word: str) -> set[str]:
    forms = {skeleton(word)[0]}
    if len(initials(word)) >= MIN_INITIALS and len(initials(word)) == len(word):
        forms.add(skeleton(initials(word))[0])
    keys = keyboard_spelling(word)
    if keys != word and len(keys) >= 4:
        forms.add(skeleton(keys)[0])
    return {f for f in forms if f}


class WordMatcher:
    def __init__(self, words: Iterable[str], allow: Iterable[str] = ()):
        self._blocked = self._automaton(words, _variants)
        # Allowed words match only as written: their initials (시발역 → ㅅㅂㅇ) must not excuse "ㅅㅂ 이게…".
        self._allowed = self._automaton(allow, lambda word: {skeleton(word)[0]} - {""})
        self._skeletons = SkeletonTable()

    @staticmethod
    def _automaton(words: Iterable[str], forms_of) -> ahocorasick.Automaton | None:  # type: ignore[no-untyped-def]
        automaton = ahocorasick.Automaton()
        for word in words:
            for form in forms_of(word):
                automaton.add_word(form, (word, len(form)))
        if len(automaton) == 0:
            return None
        automaton.make_automaton()
        return automaton

    @classmethod
    def from_lists(cls, *, builtin: bool = True, extra: Iterable[str] = (), allow: Iterable[str] = ()) -> "WordMatcher":
        return cls([*(builtin_words() if builtin else []), *extra], allow)

    def find(self, text: str) -> list[WordHit]:
        """Prohibited words in `text`, with spans in the original text; allowed words excluded."""
        if self._blocked is None:
            return []
        if next(self._blocked.iter(self._skeletons.skeleton_text(text)), None) is None:
            return []  # the usual case, decided without building the map back to the text
        skel, origin = skeleton(text)
        allowed_spans = []
        if self._allowed is not None:
            allowed_spans = [(end - length + 1, end) for end, (_, length) in self._allowed.iter(skel)]
        hits = []
        for end, (word, length) in self._blocked.iter(skel):
            start = end - length + 1
            if any(a_start <= start and end <= a_end for a_start, a_end in allowed_spans):
                continue
            hits.append(WordHit(word, origin[start], origin[end] + 1))
        return hits

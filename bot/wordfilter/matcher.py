"""One Aho-Corasick automaton over the normalised skeleton finds every listed word at once.

Each word is added as written, as its initial-consonant spelling and as its English-keyboard
spelling. Hits inside a match of an allowed word (시발점, 시발역, and the built-in innocent phrases
such as 꺼져 있다, 새끼 고양이) are dropped. A hit that only ordinary spaces split ("도시 발전" holds 시+발)
counts only when it stands as its own word, so the space-stripping that defeats "시 발" does not turn
everyday phrases into profanity; symbols, digits or invisible characters inside a hit always count.
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


# What may follow a word that stands alone: a particle or ending ("미친 놈이", "개 새끼야").
PARTICLES = frozenset("이가은는을를의도만에와과야아랑")


def _listed(filename: str) -> list[str]:
    text = resources.files("bot.wordfilter").joinpath(filename).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def builtin_words() -> list[str]:
    return _listed("builtin_ko.txt")


def builtin_allowed() -> list[str]:
    """Innocent phrases that contain a built-in word (꺼져 있다, 새끼 고양이, 닥쳐오다)."""
    return _listed("builtin_allow_ko.txt")


def _split_by_spaces_only(text: str, start: int, end: int) -> bool:
    gaps = [c for c in text[start:end] if not c.isalpha()]
    return bool(gaps) and all(c.isspace() for c in gaps)


def _stands_alone(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not before.isalpha() and (not after.isalpha() or after in PARTICLES)


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
    def _automaton(words: Iterable[str], forms_of) -> ahocorasick.Automaton | None:
        automaton = ahocorasick.Automaton()
        for word in words:
            for form in forms_of(word):
                automaton.add_word(form, (word, len(form)))
        if len(automaton) == 0:
            return None
        automaton.make_automaton()
        return automaton

    @classmethod
    def from_lists(cls, *, builtin: bool = True, extra: Iterable[str] = (), allow: Iterable[str] = ()) -> WordMatcher:
        return cls([*(builtin_words() if builtin else []), *extra], [*(builtin_allowed() if builtin else []), *allow])

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
            first, last = origin[start], origin[end] + 1
            if _split_by_spaces_only(text, first, last) and not _stands_alone(text, first, last):
                continue
            hits.append(WordHit(word, first, last))
        return hits

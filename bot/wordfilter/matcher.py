"""One Aho-Corasick automaton over the normalised skeleton finds every listed word at once.

Each entry of the lexicon (bot/wordfilter/lexicon.py: word, category, severity) is added as written and, when
flagged, as its initial-consonant spelling and its English-keyboard
spelling. Hits inside a match of an allowed word (시발점, 시발역, and the built-in innocent phrases
such as 꺼져 있다, 새끼 고양이) are dropped. A hit with a space or a word separator inside ("도시 발전"
holds 시+발, "홍자, 지역" 자+지, "장애·미주" 애+미) counts only when it stands as its own word, so the space-stripping that defeats "시 발" does not
turn everyday phrases into profanity; symbols, digits or invisible characters without a space always count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

import ahocorasick
import numpy as np

from bot.wordfilter.lexicon import Entry, builtin_lexicon
from bot.wordfilter.normalise import SkeletonTable, initials, keyboard_spelling, skeleton

MIN_INITIALS = 2


@dataclass(frozen=True, slots=True)
class WordHit:
    word: str  # the listed word (never shown to users; used for tests and admin reports)
    start: int  # span in the original text
    end: int
    allowed: bool = False
    category: str = "custom"
    severity: int = 3


# What may follow a word that stands alone: a particle or ending ("미친 놈이", "개 새끼야").
PARTICLES = frozenset("이가은는을를의도만에와과야아랑")


def _listed(filename: str) -> list[str]:
    text = resources.files("bot.wordfilter").joinpath(filename).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def builtin_words(categories: Iterable[str] | None = None) -> list[Entry]:
    """The built-in lexicon (lexicon_ko.txt), only the given categories when they are named."""
    wanted = None if categories is None else set(categories)
    return [entry for entry in builtin_lexicon() if wanted is None or entry.category in wanted]


def builtin_allowed() -> list[str]:
    """Innocent phrases that contain a built-in word (꺼져 있다, 새끼 고양이, 닥쳐오다)."""
    return _listed("builtin_allow_ko.txt")


# Characters that separate words in ordinary writing (시·도, 체포…경찰, 열애→결별, 「법」): like a space.
_SEPARATORS = frozenset("·ㆍ‧・…→←,/()[]「」『』《》〈〉\"'“”‘’")


def _split_by_spaces(text: str, start: int, end: int) -> bool:
    """A space or word separator inside the hit: "도시 발전", "홍자, 지역", "장애·미주". Such a hit counts only
    where it stands as its own word; "시.발", "시-발", "시1발" and zero-width characters always count."""
    return any(c.isspace() or c in _SEPARATORS for c in text[start:end])


def _inside_word(text: str, start: int) -> bool:
    """A Hangul syllable, Latin letter or digit right before `start`: the hit does not begin a word. Loose jamo
    (ㅋㅋ쳐맞) and symbols do not join words."""
    if start == 0:
        return False
    before = text[start - 1]
    return "\uac00" <= before <= "\ud7a3" or before.isdigit() or (before.isascii() and before.isalpha())


def _stands_alone(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not before.isalpha() and (not after.isalpha() or after in PARTICLES)


_VOWEL_JAMO = range(0x1161, 0x1176)
_TAIL_JAMO = range(0x11A8, 0x11C3)
MAX_GAP = 3  # visible characters between two letters of one word that still count as an evasion (시-_-발)


def _continues_syllable(skel: str, end: int) -> bool:
    """A form that ends in an open syllable, followed by a tail consonant: 시바 inside 시방 or 시반, 자지
    inside 자진. The entry is a different word there."""
    return end + 1 < len(skel) and ord(skel[end]) in _VOWEL_JAMO and ord(skel[end + 1]) in _TAIL_JAMO


def _too_far_apart(text: str, origin: list[int], start: int, end: int) -> bool:
    """Letters of a hit separated by a line break or by more than MAX_GAP visible characters ("제보자
    010-0000-7222\n지금") are two words, not an evasion; invisible characters do not count."""
    for k in range(start, end):
        gap = text[origin[k] + 1 : origin[k + 1]]
        if not gap:
            continue
        if "\n" in gap or sum(1 for c in gap if c.isprintable() and c not in _INVISIBLE) > MAX_GAP:
            return True
    return False


_INVISIBLE = {"\u3164", "\u115f", "\u1160", "\uffa0"}


def _variants(entry: Entry) -> set[str]:
    word = entry.word
    forms = {skeleton(word)[0]}
    if entry.initials and len(initials(word)) >= MIN_INITIALS and len(initials(word)) == len(word):
        forms.add(skeleton(initials(word))[0])
    keys = keyboard_spelling(word)
    if entry.initials and keys != word and len(keys) >= 4:
        forms.add(skeleton(keys)[0])
    return {f for f in forms if f}


def _entry(word: str | Entry) -> Entry:
    """An office's own word (a plain string) is category `custom`, strong, and matched by its initials too."""
    return word if isinstance(word, Entry) else Entry(word, "custom", 3, initials=True)


class WordMatcher:
    def __init__(self, words: Iterable[str | Entry], allow: Iterable[str] = ()):
        entries = [_entry(word) for word in words]
        self._blocked = self._automaton(entries, _variants)
        # Allowed words match only as written: their initials (시발역 → ㅅㅂㅇ) must not excuse "ㅅㅂ 이게…".
        self._allowed = self._automaton((Entry(word) for word in allow), lambda e: {skeleton(e.word)[0]} - {""})
        self._skeletons = SkeletonTable()

    @staticmethod
    def _automaton(entries: Iterable[Entry], forms_of) -> ahocorasick.Automaton | None:
        automaton = ahocorasick.Automaton()
        for entry in entries:
            for form in forms_of(entry):
                # One form, one entry: where two entries share a form, the stronger one is kept.
                if form in automaton and automaton.get(form)[0].severity >= entry.severity:
                    continue
                automaton.add_word(form, (entry, len(form)))
        if len(automaton) == 0:
            return None
        automaton.make_automaton()
        return automaton

    @classmethod
    def from_lists(
        cls,
        *,
        builtin: bool = True,
        extra: Iterable[str] = (),
        allow: Iterable[str] = (),
        categories: Iterable[str] | None = None,
    ) -> WordMatcher:
        """The built-in lexicon (only `categories` when named) with the office's words and allowed phrases."""
        words: list[str | Entry] = [*(builtin_words(categories) if builtin else []), *extra]
        return cls(words, [*(builtin_allowed() if builtin else []), *allow])

    def find(self, text: str) -> list[WordHit]:
        """Prohibited words in `text`, with spans in the original text; allowed words excluded."""
        if self._blocked is None:
            return []
        if "\n" in text:
            by_lines = self._skeletons.skeleton_lines(text)
            if by_lines is not None:
                return self._find_in_lines(text, *by_lines)
        if not self._candidates(self._skeletons.skeleton_text(text)):
            return []  # the usual case, decided at C speed without the map back to the text
        if "\n" not in text:
            return self._find_in_line(text, 0)
        # A word never spans a line break (see _too_far_apart): map back only the lines that hold one.
        hits: list[WordHit] = []
        offset = 0
        for line in text.split("\n"):
            if self._candidates(self._skeletons.skeleton_text(line)):
                hits += self._find_in_line(line, offset)
            offset += len(line) + 1
        return hits

    def _find_in_lines(self, text: str, skel: str, line_of: np.ndarray) -> list[WordHit]:
        """A long text: every line that any listed form touches in the whole skeleton (before any filter, so a
        line's own reading decides) is read on its own; the rest are ruled out without a map back."""
        assert self._blocked is not None
        touched: set[int] = set()
        for end, (_, length) in self._blocked.iter(skel):
            first, last = int(line_of[end - length + 1]), int(line_of[end])
            if end + 1 < len(skel) and line_of[end + 1] == last and _continues_syllable(skel, end):
                continue  # 시바 inside 시방: the same on the line's own reading
            touched.update(range(first, last + 1))
        if not touched:
            return []
        hits: list[WordHit] = []
        offset = 0
        for number, line in enumerate(text.split("\n")):
            if number in touched:
                hits += self._find_in_line(line, offset)
            offset += len(line) + 1
        return hits

    def _candidates(self, skel: str) -> list[tuple[int, int, Entry]]:
        assert self._blocked is not None
        candidates = [
            (end - length + 1, end, entry)
            for end, (entry, length) in self._blocked.iter(skel)
            if not _continues_syllable(skel, end)
        ]
        if candidates and self._allowed is not None:
            allowed_spans = [(end - length + 1, end) for end, (_, length) in self._allowed.iter(skel)]
            candidates = [
                (start, end, entry)
                for start, end, entry in candidates
                if not any(a_start <= start and end <= a_end for a_start, a_end in allowed_spans)
            ]
        return candidates

    def _find_in_line(self, text: str, offset: int) -> list[WordHit]:
        skel, origin = self._skeletons.skeleton_map(text)
        hits = []
        for start, end, entry in self._candidates(skel):
            first, last = origin[start], origin[end] + 1
            if _too_far_apart(text, origin, start, end):
                continue
            if entry.word_start and _inside_word(text, first):
                continue
            if _split_by_spaces(text, first, last) and not _stands_alone(text, first, last):
                continue
            hits.append(
                WordHit(entry.word, first + offset, last + offset, category=entry.category, severity=entry.severity)
            )
        return hits

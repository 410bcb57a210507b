"""A matching skeleton of a text, with a map back to the original positions.

Evasions it undoes: compatibility and full-width forms (NFKC); zero-width and other invisible
characters, including fillers that are letters (U+3164, U+115F, U+1160, U+FFA0); spaces, punctuation
and digits inserted between syllables; repeated characters; loose jamo mixed with syllables
(ㅆㅣ발 = 씨발), because every syllable is spelled out as lead/vowel/tail jamo; and Latin letters.
Lead and tail consonants stay distinct, so an initial-consonant pattern (ㅅㅂ) does not match the
tail of one syllable followed by the lead of the next.
"""

from __future__ import annotations

import re
import unicodedata

_FILLERS = {"\u3164", "\u115f", "\u1160", "\uffa0"}
_S_BASE, _L_BASE, _V_BASE, _T_BASE = 0xAC00, 0x1100, 0x1161, 0x11A7
_V_COUNT, _T_COUNT = 21, 28
# Compatibility jamo (what keyboards produce alone) → lead consonant or vowel jamo.
_COMPAT_LEADS = "ㄱㄲㄳㄴㄵㄶㄷㄸㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅃㅄㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_LEAD_OF = {
    "ㄱ": 0,
    "ㄲ": 1,
    "ㄴ": 2,
    "ㄷ": 3,
    "ㄸ": 4,
    "ㄹ": 5,
    "ㅁ": 6,
    "ㅂ": 7,
    "ㅃ": 8,
    "ㅅ": 9,
    "ㅆ": 10,
    "ㅇ": 11,
    "ㅈ": 12,
    "ㅉ": 13,
    "ㅊ": 14,
    "ㅋ": 15,
    "ㅌ": 16,
    "ㅍ": 17,
    "ㅎ": 18,
}
_VOWELS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
# 2-beolsik keyboard: what the same keys type with the layout left in English (시발 → tlqkf).
KEY_OF = dict(
    zip("ㅂㅈㄷㄱㅅㅛㅕㅑㅐㅔㅁㄴㅇㄹㅎㅗㅓㅏㅣㅋㅌㅊㅍㅠㅜㅡㅃㅉㄸㄲㅆㅒㅖ", "qwertyuiopasdfghjklzxcvbnmQWERTOP")
)


def _jamo_of(char: str) -> str:
    code = ord(char)
    if _S_BASE <= code < _S_BASE + 11172:
        index = code - _S_BASE
        lead, vowel, tail = (
            index // (_V_COUNT * _T_COUNT),
            (index % (_V_COUNT * _T_COUNT)) // _T_COUNT,
            index % _T_COUNT,
        )
        return chr(_L_BASE + lead) + chr(_V_BASE + vowel) + (chr(_T_BASE + tail) if tail else "")
    if char in _LEAD_OF:
        return chr(_L_BASE + _LEAD_OF[char])
    if char in _VOWELS:
        return chr(_V_BASE + _VOWELS.index(char))
    return char


def _piece(raw: str) -> str:
    """What one original character contributes to the skeleton (often nothing)."""
    if raw in _FILLERS:
        return ""
    pieces = []
    for char in unicodedata.normalize("NFKC", raw):
        if char in _FILLERS or not char.isalpha():
            continue
        for lowered in char.lower():  # a few letters lower to two characters (İ → i + dot)
            pieces.append(_jamo_of(lowered))
    return "".join(pieces)


def skeleton(text: str) -> tuple[str, list[int]]:
    """(matching skeleton, original index of each skeleton character)."""
    out: list[str] = []
    origin: list[int] = []
    for index, raw in enumerate(text):
        for piece in _piece(raw):
            if out and out[-1] == piece:
                continue  # repeated characters (ㅋㅋㅋ, 시이이…) count once
            out.append(piece)
            origin.append(index)
    return "".join(out), origin


_REPEATS = re.compile(r"(.)\1+", re.DOTALL)


class SkeletonTable:
    """The same skeleton as `skeleton`, without the map back, at C speed: a translation table built
    up from the characters seen so far, then one pass to fold repeats. Most texts hold no listed word,
    so the matcher needs the map only for the few that do."""

    def __init__(self) -> None:
        self._table: dict[int, str | None] = {}

    def skeleton_text(self, text: str) -> str:
        table = self._table
        for char in set(text):
            if ord(char) not in table:
                table[ord(char)] = _piece(char) or None
        return _REPEATS.sub(r"\1", text.translate(table))

    def skeleton_map(self, text: str) -> tuple[str, list[int]]:
        """The same as `skeleton(text)`, from the cached pieces (no normalisation per character)."""
        self.skeleton_text(text)  # fills the table for every character of `text`
        table = self._table
        out: list[str] = []
        origin: list[int] = []
        last = ""
        for index, char in enumerate(text):
            piece = table[ord(char)]
            if piece is None:
                continue
            for jamo in piece:
                if jamo != last:
                    out.append(jamo)
                    origin.append(index)
                    last = jamo
        return "".join(out), origin


def initials(word: str) -> str:
    """The initial-consonant spelling of a word (시발 → ㅅㅂ)."""
    leads = []
    for char in word:
        code = ord(char)
        if _S_BASE <= code < _S_BASE + 11172:
            leads.append(_COMPAT_LEADS_BY_INDEX[(code - _S_BASE) // (_V_COUNT * _T_COUNT)])
    return "".join(leads)


_COMPAT_LEADS_BY_INDEX = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"


def keyboard_spelling(word: str) -> str:
    """The same word typed with the keyboard left in English layout."""
    out = []
    for char in word:
        code = ord(char)
        if _S_BASE <= code < _S_BASE + 11172:
            index = code - _S_BASE
            lead = _COMPAT_LEADS_BY_INDEX[index // (_V_COUNT * _T_COUNT)]
            vowel = _VOWELS[(index % (_V_COUNT * _T_COUNT)) // _T_COUNT]
            out.append(KEY_OF.get(lead, "") + KEY_OF.get(vowel, ""))
            tail = index % _T_COUNT
            if tail:
                tail_char = "ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"[tail - 1]
                out.append(KEY_OF.get(tail_char, ""))
        else:
            out.append(char)
    return "".join(out).lower()

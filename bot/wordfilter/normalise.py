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

import numpy as np

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


# A character followed by the same one is dropped, so each run keeps its last: one pass with an empty
# replacement, 2.5x faster than folding `(.)\1+` into a group reference.
_REPEATS = re.compile(r"(.)(?=\1)", re.DOTALL)


class _Pieces(dict[int, str | None]):
    """Code point → its skeleton piece (None: nothing), computed the first time `str.translate` asks for it."""

    def __missing__(self, code: int) -> str | None:
        piece = _piece(chr(code)) or None
        self[code] = piece
        return piece


_UNKNOWN, _COMPLEX = 0xFFFF, 0xFFFE  # pieces never hold these non-characters
_PIECE_WIDTH = 3  # a syllable's lead, vowel and tail: the longest piece of almost every character
_ARRAY_FROM = 256  # characters: below this, one str.translate call is cheaper than the array set-up


class SkeletonTable:
    """The same skeleton as `skeleton`, without the map back, at C speed. Short texts go through `str.translate`
    with a table that fills itself with the characters seen so far. Long texts (documents, statutes, pasted
    complaint lists) go through a NumPy table of up to three UTF-16 units per BMP character: one lookup per
    character, dropping the empty units and folding repeats are array operations, about 10x faster than
    `str.translate` with multi-character replacements and a regular expression for the repeats. Characters
    whose piece is longer, and texts with characters beyond the BMP, take the `str.translate` path. Most texts
    hold no listed word, so the matcher needs the map back only for the few that do."""

    def __init__(self) -> None:
        self._table = _Pieces()
        self._word_table = _Pieces({ord(" "): " "})
        self._units = np.full((0x10000, _PIECE_WIDTH), 0, dtype=np.uint16)
        self._units[:, 0] = _UNKNOWN
        codes = np.arange(_S_BASE, _S_BASE + 11172)
        index = codes - _S_BASE
        self._units[codes, 0] = _L_BASE + index // (_V_COUNT * _T_COUNT)
        self._units[codes, 1] = _V_BASE + (index % (_V_COUNT * _T_COUNT)) // _T_COUNT
        self._units[codes, 2] = np.where(index % _T_COUNT > 0, _T_BASE + index % _T_COUNT, 0)

    def skeleton_text(self, text: str) -> str:
        found = self.skeleton_lines(text)
        if found is not None:
            return found[0]
        return _REPEATS.sub("", text.translate(self._table))

    def skeleton_words(self, text: str) -> str:
        """The skeleton of each space-separated word, the words still apart: "시1발  ㅅㅐ끼" → "시발 새끼" in jamo.
        The classifier's second view of a text, where evasions inside a word are already undone."""
        return _REPEATS.sub("", text.translate(self._word_table))

    def skeleton_lines(self, text: str) -> tuple[str, np.ndarray] | None:
        """(skeleton, the line number of each of its characters) through the array table, or None where the
        text needs `str.translate` (short texts, characters beyond the BMP, pieces longer than three units)."""
        if len(text) < _ARRAY_FROM:
            return None
        try:
            codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        except UnicodeEncodeError:  # a lone surrogate
            return None
        if codes.size == 0 or int(codes.max()) >= 0x10000:
            return None
        rows = self._units[codes]
        if (rows[:, 0] >= _COMPLEX).any():
            self._learn(np.unique(codes[rows[:, 0] == _UNKNOWN]))
            rows = self._units[codes]
            if (rows[:, 0] == _COMPLEX).any():
                return None
        units = rows.ravel()
        lines = np.repeat(np.cumsum(codes == 0x0A), _PIECE_WIDTH)
        kept = units != 0
        units, lines = units[kept], lines[kept]
        if units.size > 1:
            first = np.concatenate(([True], units[1:] != units[:-1]))
            units, lines = units[first], lines[first]
        return units.tobytes().decode("utf-16-le"), lines

    def _learn(self, codes: np.ndarray) -> None:
        for code in codes.tolist():
            piece = self._table[code] or ""
            units = [ord(char) for char in piece]
            if len(units) > _PIECE_WIDTH or any(unit >= 0xD800 for unit in units):
                self._units[code] = (_COMPLEX, 0, 0)
            else:
                self._units[code] = units + [0] * (_PIECE_WIDTH - len(units))

    def skeleton_map(self, text: str) -> tuple[str, list[int]]:
        """The same as `skeleton(text)`, from the cached pieces (no normalisation per character)."""
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

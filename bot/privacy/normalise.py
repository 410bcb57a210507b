"""The scanner's view of a text: the spellings people (and attackers) use for digits and separators
folded to the one form the detectors know, with a map back to the original positions.

Why: "９００１０１－１２３４５６８", "900101-\\n1234568" or a number with a NUL or zero-width space in it
reads as a resident number to a person and to a model, so it must read as one to the scanner too.
The scanner runs on this view; every span it reports is mapped back (`Normalised.span`) so masking
replaces exactly the original characters.

What is folded (NFKC-like, per character, so positions stay mappable):
- full-width ASCII (digits, ＠, －, ．) and digits of any script to ASCII;
- dashes (‐ ‑ ‒ – — ― − ﹣ ㅡ …) to "-", middle dots to ".", odd spaces (no-break, ideographic,
  Hangul filler) to " ";
- invisible characters (NUL and other controls, zero-width, bidi marks, soft hyphen, variation
  selectors) are dropped;
- a line break between parts of a number ("010-2222-\\n3333", a card number one group per line)
  becomes a space, or nothing next to a dash or dot; other line breaks stay.

Speed: one regex search finds whether anything needs folding; most text has nothing and is returned
as it is, without a map.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

_DROP = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f\xad\u034f\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufe00-\ufe0f\ufeff"
)
_DASHES = "\u2010-\u2015\u2212\u2043\u2500\u2e3a\u2e3b\u3161\u30fc\ufe58\ufe63\uff0d"
_DOTS = "\xb7\u2024\u2027\u30fb\uff0e\uff65"
_SPACES = "\xa0\u1680\u2000-\u200a\u202f\u205f\u3000\u3164\uffa0"
_WIDE = "\uff01-\uff5e\ufe50-\ufe6b"  # full-width and small forms of ASCII punctuation, digits, letters


# What may need folding: runs of anything but printable ASCII and Hangul syllables (most of a Korean
# text, skipped in C; a short negated class tests fast), and, in a second pass only over text with
# line breaks, a line break right after a digit, dash or dot (the number may go on on the next line).
_CANDIDATES = re.compile(r"[^\t\n\r\x20-\x7e\uac00-\ud7a3]+")
_LINE_BREAK_IN_NUMBER = re.compile(r"[0-9.\-\uff10-\uff19\uff0d\uff0e\u2010-\u2015\u2212]([ \t]*(?:\r\n|[\r\n])[ \t]*)")
_NUMBER_EDGE = frozenset("0123456789-.")  # a line break between two of these is inside a number


@lru_cache(maxsize=1024)
def fold_char(char: str) -> str:
    """The scanner's spelling of one character (itself when nothing applies)."""
    if re.fullmatch(f"[{_DROP}]", char):
        return ""
    if re.fullmatch(f"[{_DASHES}]", char):
        return "-"
    if re.fullmatch(f"[{_DOTS}]", char):
        return "."
    if re.fullmatch(f"[{_SPACES}]", char):
        return " "
    if char in "\x85\u2028\u2029":  # Unicode line breaks: a space is as good for the detectors
        return " "
    if char.isdecimal():
        return str(unicodedata.decimal(char))
    if re.fullmatch(f"[{_WIDE}]", char):
        return unicodedata.normalize("NFKC", char)
    return char  # NFKC would turn "…" into "..." and "①" into "1", which only confuses the detectors


@dataclass(frozen=True, slots=True)
class Normalised:
    """The folded text and how to find a folded span in the original.

    The map is a list of segments by folded start: a segment either advances in step with the
    original (`width` 0) or stands for `width` original characters as a whole (a folded character
    that changed length, a dropped one, a collapsed line break)."""

    text: str
    _folded_starts: list[int] = field(default_factory=list)
    _original_starts: list[int] = field(default_factory=list)
    _widths: list[int] = field(default_factory=list)

    def position(self, folded: int) -> int:
        """Where the folded character at `folded` starts in the original text."""
        if not self._folded_starts:
            return folded
        i = bisect_right(self._folded_starts, folded) - 1
        if self._widths[i]:
            return self._original_starts[i]
        return self._original_starts[i] + folded - self._folded_starts[i]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the folded span [start, end) (end > start)."""
        if not self._folded_starts:
            return start, end
        last = end - 1
        i = bisect_right(self._folded_starts, last) - 1
        if self._widths[i]:
            return self.position(start), self._original_starts[i] + self._widths[i]
        return self.position(start), self._original_starts[i] + last - self._folded_starts[i] + 1


def normalise(text: str) -> Normalised:
    """The scanner's view of `text` (the very same string object when nothing needed folding)."""
    spans = [match.span() for match in _CANDIDATES.finditer(text)]
    if "\n" in text or "\r" in text:
        spans += [match.span(1) for match in _LINE_BREAK_IN_NUMBER.finditer(text)]  # never inside a candidate
        spans.sort()
    if not spans:
        return Normalised(text)
    pieces: list[str] = []
    folded_starts, original_starts, widths = [0], [0], [0]
    length = 0  # of the folded text so far
    consumed = 0  # of the original text
    changed = False

    def group(start: int, width: int, replacement: str) -> None:
        """`width` original characters at `start` stand as `replacement` (another length)."""
        nonlocal length
        folded_starts.append(length)
        original_starts.append(start)
        widths.append(width)
        length += len(replacement)
        folded_starts.append(length)
        original_starts.append(start + width)
        widths.append(0)

    for start, end in spans:
        token = text[start:end]
        if start > consumed:
            pieces.append(text[consumed:start])
            length += start - consumed
        consumed = end
        if token[0] in " \t\r\n":  # a line break after a digit, dash or dot
            replacement = _line_break(text, start, end, token)
            changed |= replacement != token
            pieces.append(replacement)
            if len(replacement) == len(token):
                length += len(token)
            else:
                group(start, len(token), replacement)
            continue
        folds = [fold_char(char) for char in token]
        if all(len(fold) == 1 for fold in folds):
            folded = "".join(folds)
            changed |= folded != token
            pieces.append(folded)
            length += len(folded)
            continue
        changed = True
        for offset, fold in enumerate(folds):
            pieces.append(fold)
            if len(fold) == 1:
                length += 1
            else:
                group(start + offset, 1, fold)
    if not changed:
        return Normalised(text)
    pieces.append(text[consumed:])
    if len(folded_starts) == 1:
        return Normalised("".join(pieces))
    return Normalised("".join(pieces), folded_starts, original_starts, widths)


def _line_break(text: str, start: int, end: int, token: str) -> str:
    """A line break (with the spaces around it) between parts of a number folds to a space, or to
    nothing beside a dash or dot; anywhere else it stays as it is."""
    before = fold_char(text[start - 1])
    after = fold_char(text[end]) if end < len(text) else ""
    if not (after and after[0] in _NUMBER_EDGE):
        return token
    return "" if before in "-." or after[0] in "-." else " "

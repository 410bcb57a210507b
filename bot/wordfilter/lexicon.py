"""The prohibited-word lexicon as data: each entry has a category and a severity, so an office can switch
categories per department and admins see counts by category, never the words."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

CATEGORIES = ("profanity", "sexual", "slur_gender", "slur_origin", "slur_politics", "threat", "custom")
# custom: the office's and departments' own words (app.yaml), always on while the filter is on.


@dataclass(frozen=True, slots=True)
class Entry:
    word: str
    category: str = "custom"
    severity: int = 3  # 3 strong, 2 ordinary, 1 mild
    initials: bool = False  # also match its initial-consonant spelling (ㅅㅂ)
    word_start: bool = False  # only where a word begins: 쳐맞 in "쳐맞고", not inside "고쳐맞추다"


def read_lexicon(text: str) -> list[Entry]:
    """`word<TAB>category<TAB>severity[<TAB>flags]` lines, flags `i` (initials) and `b` (word start);
    `#` starts a comment line."""
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.rstrip("\n").split("\t")
        if len(fields) < 3 or fields[1] not in CATEGORIES or not fields[2].isdigit():
            raise ValueError(f"lexicon line {number}: {line!r}")
        flags = "".join(fields[3:]).strip()
        if set(flags) - {"i", "b"}:
            raise ValueError(f"lexicon line {number}: unknown flag in {line!r}")
        entries.append(Entry(fields[0].strip(), fields[1], int(fields[2]), "i" in flags, "b" in flags))
    return entries


def builtin_lexicon() -> list[Entry]:
    text = resources.files("bot.wordfilter").joinpath("lexicon_ko.txt").read_text(encoding="utf-8")
    return read_lexicon(text)

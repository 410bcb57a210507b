"""Finding which assistant a message names when names may contain spaces ("@주차 안내 …",
"/assistant try 주차 안내 …").
Pure functions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from assistants.spec import AssistantSpec

T = TypeVar("T")


def name_prefix_end(text: str, name: str) -> int | None:
    """Where `name` ends in `text` if `text` starts with it (spacing and case ignored) and a word
    boundary follows; else None."""
    wanted = "".join(name.split()).casefold()
    if not wanted:
        return None
    position, matched = 0, 0
    while position < len(text) and matched < len(wanted):
        char = text[position]
        if char.isspace():
            position += 1
            continue
        if char.casefold() != wanted[matched]:
            return None
        position += 1
        matched += 1
    if matched < len(wanted):
        return None
    if position < len(text) and not text[position].isspace():
        return None
    return position


def split_named(text: str, candidates: Iterable[tuple[T, AssistantSpec]]) -> tuple[T, AssistantSpec, str] | None:
    """The candidate whose name (or alias or id) begins `text`, longest first, and the rest of the text.
    A quoted name ("주차 안내") is taken as it stands."""
    stripped = text.strip()
    best: tuple[int, T, AssistantSpec] | None = None
    for item, spec in candidates:
        for name in (spec.name, spec.id, *spec.aliases):
            end = _quoted_end(stripped, name) or name_prefix_end(stripped, name)
            if end is not None and (best is None or end > best[0]):
                best = (end, item, spec)
    if best is None:
        return None
    end, item, spec = best
    return item, spec, stripped[end:].strip()


def _quoted_end(text: str, name: str) -> int | None:
    for quote in ('"', "'", "“"):
        closing = "”" if quote == "“" else quote
        if text.startswith(quote):
            close = text.find(closing, 1)
            if close > 0 and "".join(text[1:close].split()).casefold() == "".join(name.split()).casefold():
                return close + 1
    return None


def first_name(text: str) -> tuple[str, str]:
    """A new name and what follows it: a quoted name, else the first line when more lines follow,
    else the first word."""
    stripped = text.strip()
    for quote, closing in (('"', '"'), ("'", "'"), ("“", "”")):
        if stripped.startswith(quote):
            close = stripped.find(closing, 1)
            if close > 0:
                return stripped[1:close].strip(), stripped[close + 1 :].strip()
    if "\n" in stripped:
        head, _, rest = stripped.partition("\n")
        return head.strip(), rest.strip()
    head, _, rest = stripped.partition(" ")
    return head, rest.strip()

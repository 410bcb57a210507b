"""Replacing spans of a text (personal information, prohibited words) with what stands in for them.

One function for every masker, so "what happens to overlapping spans" is decided once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")


def apply_spans(text: str, spans: Iterable[tuple[int, int, T]], replacement: Callable[[T], str]) -> str:
    """`text` with each (start, end, item) span replaced by `replacement(item)`, in the order given
    (callers sort: by start, and by which of two spans at one start should win). A span that starts
    inside one already replaced is skipped, and `replacement` is not called for it."""
    pieces: list[str] = []
    position = 0
    for start, end, item in spans:
        if start < position:
            continue
        pieces += [text[position:start], replacement(item)]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)

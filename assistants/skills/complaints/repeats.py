"""Repeat reports: a complaint that says the problem was reported before and is still there ("지난주에도
신고했는데 아직 그대로"), linked to the earlier report of the same place in other words, so the two count as one
issue and the repeat raises that issue instead of ranking below it. Copies of one text are linked by
cluster.near_duplicates; this finds what copying does not. Pure functions over indices."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np

from assistants.skills.complaints.priority import REPEAT

SAME_ISSUE = 0.35  # cosine of the topic vectors: two reports of one place about the same kind of problem
WINDOW = timedelta(days=365)  # "지난주에도/지난달에도 신고했는데": a repeat refers to a report within a year


def is_repeat(text: str) -> bool:
    return REPEAT.search(text) is not None


def link_repeats(
    texts: Sequence[str],
    places: Sequence[str],
    received: Sequence[datetime | None],
    labels: np.ndarray,
    vectors: np.ndarray,
    groups: np.ndarray,
) -> np.ndarray:
    """`groups` (index of the first complaint each one repeats) with every repeat report joined to the earliest
    report of the same place, about the same problem (same group, or close topic vectors), made before it."""
    linked = groups.copy()
    by_place: dict[str, list[int]] = {}
    for index, place in enumerate(places):
        if place:
            by_place.setdefault(place, []).append(index)
    for index, text in enumerate(texts):
        if not places[index] or not is_repeat(text):
            continue
        earlier = [
            other
            for other in by_place[places[index]]
            if other != index
            and _before(received[other], received[index], other, index)
            and (labels[other] == labels[index] or float(vectors[other] @ vectors[index]) >= SAME_ISSUE)
        ]
        if not earlier:
            continue
        first = min(int(linked[other]) for other in earlier)
        old = int(linked[index])
        root = min(first, old)
        linked[(linked == old) | (linked == first)] = root
    return linked


def _before(earlier: datetime | None, later: datetime | None, earlier_index: int, later_index: int) -> bool:
    """Received before (within a year), or listed before when the dates are unknown."""
    if earlier is not None and later is not None:
        return earlier <= later and later - earlier <= WINDOW
    return earlier_index < later_index

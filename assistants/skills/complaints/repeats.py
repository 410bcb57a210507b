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
    n = len(texts)
    parent = np.asarray(groups, dtype=np.int64).copy()  # union-find over complaints, seeded with the copy groups

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = int(parent[i])
        return i

    by_place: dict[str, list[int]] = {}
    for index, place in enumerate(places):
        if place:
            by_place.setdefault(place, []).append(index)
    members = {place: np.asarray(found, dtype=np.int64) for place, found in by_place.items() if len(found) > 1}
    # Dates as day numbers (NaN when unknown): the "received before, within a year" test for a whole place at once.
    stamps = np.array([r.timestamp() if r is not None else np.nan for r in received], dtype=np.float64)
    window = WINDOW.total_seconds()
    for index in range(n):
        place = places[index]
        if not place or place not in members or not is_repeat(texts[index]):
            continue
        others = members[place]
        others = others[others != index]
        before = _before_all(stamps, others, index, window)
        candidates = others[before]
        if candidates.size == 0:
            continue
        same = (labels[candidates] == labels[index]) | (vectors[candidates] @ vectors[index] >= SAME_ISSUE)
        earlier = candidates[same]
        if earlier.size == 0:
            continue
        first = min(find(int(other)) for other in earlier)
        old = find(index)
        root, child = min(first, old), max(first, old)
        parent[child] = root
    return np.array([find(i) for i in range(n)], dtype=np.int64)


def _before_all(stamps: np.ndarray, others: np.ndarray, index: int, window: float) -> np.ndarray:
    """_before for many earlier candidates at once (`stamps`: seconds, NaN when unknown)."""
    mine, theirs = stamps[index], stamps[others]
    known = ~np.isnan(theirs) & (not np.isnan(mine))
    with np.errstate(invalid="ignore"):
        dated = (theirs <= mine) & (mine - theirs <= window)
    return np.where(known, dated, others < index)


def _before(earlier: datetime | None, later: datetime | None, earlier_index: int, later_index: int) -> bool:
    """Received before (within a year), or listed before when the dates are unknown."""
    if earlier is not None and later is not None:
        return earlier <= later and later - earlier <= WINDOW
    return earlier_index < later_index

"""Which department should handle a cluster: the responsibilities keywords in app.yaml, counted over
the cluster's complaints (spacing ignored). A model, when connected, may classify instead (enrich.py)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assistants.skills.complaints.features import compact
from bot.config import Department

MIN_SHARE = 0.2  # at least this share of the cluster must mention a department's keywords
# Words any complaint may contain: they cannot tell one department's work from another's.
GENERIC = {"민원", "신고", "요청", "불편", "문의", "건의"}


@dataclass(frozen=True, slots=True)
class Route:
    department_id: str | None
    department_name: str
    basis: str  # "keywords", "model" or "none"
    matched: tuple[str, ...] = ()  # keywords that matched
    share: float = 0.0  # share of the cluster's complaints that mention them


def route(
    texts: Sequence[str],
    departments: Sequence[Department],
    *,
    compacted: bool = False,
    background: Mapping[str, float] | None = None,
) -> Route:
    """The department whose keywords appear in the most complaints of the cluster (`compacted`: the
    texts are already in features.compact form). `background` (department id → share of the whole
    list) counts when most of the list is one department's: a small group of a one-topic list goes
    where the list goes; a mixed list (no department above half) routes each group on its own."""
    flat = list(texts) if compacted else [compact(t) for t in texts]
    best: tuple[float, int, Department, tuple[str, ...]] | None = None
    for order, department in enumerate(departments):
        keywords = [(k, compact(k)) for k in department.responsibilities if compact(k) and compact(k) not in GENERIC]
        if not keywords:
            continue
        anywhere = re.compile("|".join(re.escape(c) for _, c in keywords))  # one C-level scan per text
        hits = [anywhere.search(text) is not None for text in flat]
        count = sum(hits) + (
            len(flat) * max(0.0, background.get(department.id, 0.0) - 0.5) if background and any(hits) else 0.0
        )
        hit_texts = "\n".join(text for text, hit in zip(flat, hits) if hit)
        matched = tuple(k for k, c in keywords if c in hit_texts)
        if count and (best is None or count > best[0]):
            best = (count, order, department, matched)
    if best is None or best[0] < max(1, MIN_SHARE * len(texts)):
        return Route(None, "담당 부서 확인 필요", "none")
    count, _, department, matched = best
    named = re.compile("|".join(re.escape(compact(k)) for k in matched))
    share = sum(1 for text in flat if named.search(text)) / max(1, len(texts))
    return Route(department.id, department.name, "keywords", matched, round(share, 2))

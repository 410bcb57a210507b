"""The whole triage without a model: select by topic, mask, cluster, score, route. Pure and
deterministic: the same list, options and `as_of` give the same result. The skill and the CLI add
the model's titles and summaries on top (enrich.py) and render it (render.py, export.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import repeat
from typing import TypeVar

import numpy as np
from threadpoolctl import threadpool_limits

from assistants.skills.complaints.cleaning import clean
from assistants.skills.complaints.cluster import Morphemes, cluster, embed, features, near_duplicates
from assistants.skills.complaints.features import normalise, tfidf_matrix
from assistants.skills.complaints.keywords import NounFilter, cluster_keywords
from assistants.skills.complaints.masking import mask_complaint
from assistants.skills.complaints.places import place_key
from assistants.skills.complaints.priority import (
    LEVELS,
    ClusterPriority,
    Context,
    Priority,
    TextSignals,
    one_issue_one_level,
    read_text,
    score_cluster,
    score_complaint,
)
from assistants.skills.complaints.records import Complaint, ComplaintList
from assistants.skills.complaints.repeats import link_repeats
from assistants.skills.complaints.routing import Route, route
from assistants.skills.complaints.settings import ComplaintSettings as TriageSettings
from assistants.skills.complaints.topic import matcher
from bot.config import Department

Progress = Callable[[str, int, int], None]  # (stage, done, total)
_T = TypeVar("_T")


def _quiet(stage: str, done: int, total: int) -> None:
    return None


@dataclass(slots=True)
class ScoredComplaint:
    complaint: Complaint  # masked
    cluster: int = 0  # index into TriageResult.clusters (ranked)
    duplicate_of: int | None = None  # row of the first complaint it repeats
    priority: Priority = Priority(0.0, "낮음", ())
    place: str = ""


@dataclass(slots=True)
class ClusterResult:
    members: list[int]  # indices into TriageResult.complaints, most urgent first
    keywords: list[str]
    priority: ClusterPriority
    route: Route
    representative: int  # index of the group's most urgent first report (why the group ranks there)
    duplicates: int  # complaints that repeat another one in the cluster
    title: str = ""
    summary: str = ""
    written_by_model: bool = False

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(slots=True)
class TriageResult:
    source: ComplaintList
    complaints: list[ScoredComplaint]
    clusters: list[ClusterResult]  # ranked: most urgent first
    topic: str | None = None
    terms: list[str] = field(default_factory=list)
    total: int = 0  # complaints read (before the topic filter)
    as_of: datetime | None = None
    k: int = 0
    silhouette: float = 0.0
    model_calls: int = 0
    notes: list[str] = field(default_factory=list)

    def ranked_complaints(self) -> list[int]:
        """Indices of complaints, most urgent first: level (a 긴급 forced by an injury outranks a high
        score), then score, then row."""
        return sorted(
            range(len(self.complaints)),
            key=lambda i: (
                LEVELS.index(self.complaints[i].priority.level),
                -self.complaints[i].priority.score,
                self.complaints[i].complaint.row,
            ),
        )


def list_date(complaints: Sequence[Complaint]) -> datetime | None:
    """The latest received date in the list: the moment a list without an explicit `as_of` is read at."""
    return max((c.received for c in complaints if c.received is not None), default=None)


def select(complaints: Sequence[Complaint], terms: Sequence[str]) -> list[Complaint]:
    """The complaints that mention any of `terms` (all of them when there are no terms)."""
    if not terms:
        return list(complaints)
    mentions = matcher(terms)
    return [c for c in complaints if mentions(c.text)]


def personal_columns(source: ComplaintList) -> dict[int, str]:
    """Column index → PII type for the complainant's name and contact columns."""
    columns: dict[int, str] = {}
    for role, kind in (("complainant", "name"), ("contact", "phone")):
        name = source.columns.get(role)
        if name is not None and name in source.header:
            columns[source.header.index(name)] = kind
    return columns


_STRUCTURED = ("id", "received", "status", "department")
PARALLEL_FROM = 2_000  # complaints; below this a second process costs more than it saves
_CHUNK = 1_000


def _columns(source: ComplaintList) -> tuple[dict[int, str], frozenset[int]]:
    structured = frozenset(
        source.header.index(source.columns[r]) for r in _STRUCTURED if source.columns.get(r) in source.header
    )
    return personal_columns(source), structured


def _mask_chunk(
    chunk: Sequence[Complaint], actions: Mapping[str, str], columns: dict[int, str], structured: frozenset[int]
) -> list[Complaint]:
    return [mask_complaint(c, actions, columns, structured) for c in chunk]


@dataclass(frozen=True, slots=True)
class Prepared:
    """One complaint masked and read, everything the triage needs from its text alone: computed where it was
    masked (in the masking processes for a long list), so the per-text work uses both cores."""

    complaint: Complaint  # masked
    cleaned: str  # cleaning.clean: what a topic is read from
    normalised: str  # features.normalise(cleaned): what the n-grams are counted on
    flat: str  # the whole masked text normalised without spaces: exact copies and routing
    place: str
    reading: TextSignals


def prepare(complaint: Complaint, readings: dict[str, TextSignals] | None = None) -> Prepared:
    """What the text of one masked complaint says (`readings`: the texts read so far, shared by copies)."""
    text = complaint.text
    cleaned = clean(text)  # greetings, signatures and file names say nothing of the topic
    reading = _read_once(readings, text, cleaned) if readings is not None else read_text(text, cleaned)
    return Prepared(
        complaint,
        cleaned,
        normalise(cleaned),
        normalise(text).replace(" ", ""),
        place_key(complaint.location, text),
        reading,
    )


def _prepare_chunk(
    chunk: Sequence[Complaint], actions: Mapping[str, str], columns: dict[int, str], structured: frozenset[int]
) -> list[Prepared]:
    readings: dict[str, TextSignals] = {}
    return [prepare(mask_complaint(c, actions, columns, structured), readings) for c in chunk]


def _in_chunks(
    function: Callable[[Sequence[Complaint], Mapping[str, str], dict[int, str], frozenset[int]], list[_T]],
    complaints: Sequence[Complaint],
    source: ComplaintList,
    actions: Mapping[str, str],
    progress: Progress,
    workers: int,
) -> list[_T]:
    """`function` over chunks of the list, in `workers` processes for a long list (the detectors and readers
    are pure Python, so threads would not help), results in order."""
    columns, structured = _columns(source)
    total = len(complaints)
    chunks = [complaints[i : i + _CHUNK] for i in range(0, total, _CHUNK)]
    done: list[_T] = []
    if workers > 1 and total >= PARALLEL_FROM:
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
            for part in pool.map(function, chunks, repeat(actions), repeat(columns), repeat(structured)):
                done.extend(part)
                progress("mask", len(done), total)
        return done
    for chunk in chunks:
        done.extend(function(chunk, actions, columns, structured))
        progress("mask", len(done), total)
    return done


def mask_all(
    complaints: Sequence[Complaint],
    source: ComplaintList,
    actions: Mapping[str, str],
    progress: Progress = _quiet,
    workers: int = 1,
) -> list[Complaint]:
    """Every complaint masked, in order; with `workers` > 1 and a long list, in that many processes."""
    return _in_chunks(_mask_chunk, complaints, source, actions, progress, workers)


def prepare_all(
    complaints: Sequence[Complaint],
    source: ComplaintList,
    actions: Mapping[str, str],
    progress: Progress = _quiet,
    workers: int = 1,
) -> list[Prepared]:
    """Every complaint masked and read (prepare), in order; with `workers` > 1 and a long list, in that many
    processes: the text work of a 100,000-complaint list on both cores."""
    return _in_chunks(_prepare_chunk, complaints, source, actions, progress, workers)


def analyse(
    source: ComplaintList,
    masked: Sequence[Complaint] | Sequence[Prepared],
    *,
    settings: TriageSettings,
    departments: Sequence[Department],
    as_of: datetime | None = None,
    progress: Progress = _quiet,
    nouns: NounFilter | None = None,
) -> TriageResult:
    """Cluster, deduplicate, score and route already-masked complaints (or complaints already prepared by
    prepare_all). Without `as_of` the list's own date (its latest received date) is the reference, so a list
    exported years ago is read as of then."""
    if masked and not isinstance(masked[0], Prepared):
        readings: dict[str, TextSignals] = {}
        prepared = [prepare(c, readings) for c in masked if isinstance(c, Complaint)]
    else:
        prepared = [p for p in masked if isinstance(p, Prepared)]
    # Small matrix products and k-means: BLAS/OpenMP threads only contend with each other (20× slower on a busy 2-core host).
    with threadpool_limits(limits=1):
        return _analyse(
            source, prepared, settings=settings, departments=departments, as_of=as_of, progress=progress, nouns=nouns
        )


def _analyse(
    source: ComplaintList,
    prepared: Sequence[Prepared],
    *,
    settings: TriageSettings,
    departments: Sequence[Department],
    as_of: datetime | None,
    progress: Progress,
    nouns: NounFilter | None,
) -> TriageResult:
    masked = [p.complaint for p in prepared]
    n = len(masked)
    as_of = as_of or list_date(source.complaints)  # the whole list, not the topic's part of it
    result = TriageResult(source, [ScoredComplaint(c) for c in masked], [], as_of=as_of)
    if n == 0:
        return result
    texts = [c.text for c in masked]
    progress("features", 0, n)
    cleaned = [p.cleaned for p in prepared]
    flat = [p.flat for p in prepared]
    matrix = tfidf_matrix([p.normalised for p in prepared], normalised=True)
    vectors = embed(features(cleaned, matrix, nouns if isinstance(nouns, Morphemes) else None))
    progress("cluster", 0, n)
    clustering = cluster(vectors)
    labels = clustering.labels
    result.k, result.silhouette = clustering.k, clustering.silhouette
    places = [p.place for p in prepared]
    groups = near_duplicates(matrix, vectors, labels, flat, places=places)
    del matrix  # the n-gram matrix is the largest object of a long list; nothing after this reads it
    progress("score", 0, n)
    groups = link_repeats(texts, places, [c.received for c in masked], labels, vectors, groups)
    group_sizes = Counter(groups.tolist())
    cluster_sizes = Counter(labels.tolist())
    # Reports at one place count once per issue: twelve copies of a petition are one voice, not twelve reports.
    place_counts = Counter(
        (label, place) for label, place, _ in set(zip(labels.tolist(), places, groups.tolist())) if place
    )
    priorities = []
    for index, complaint in enumerate(masked):
        label, place = int(labels[index]), places[index]
        context = Context(
            group_sizes[int(groups[index])],
            cluster_sizes[label],
            place_counts.get((label, place), 1) if place else 1,
            place,
        )
        priorities.append(
            score_complaint(
                complaint.text,
                context,
                received=complaint.received,
                status=complaint.status,
                as_of=as_of,
                weights=settings.weights,
                levels=settings.levels,
                handling_days=settings.handling_days,
                read_as=prepared[index].reading,
            )
        )
    priorities = one_issue_one_level(priorities, groups.tolist(), [c.row for c in masked])
    whole = route(flat, departments, compacted=True)  # where the list as a whole goes breaks a group's near-ties
    background = {whole.department_id: whole.share} if whole.department_id else None
    keywords = cluster_keywords(cleaned, labels.tolist(), clustering.k, nouns=nouns)
    drafts = []
    for label in range(clustering.k):
        members = np.flatnonzero(labels == label)
        if members.size == 0:
            continue
        member_priorities = [priorities[i] for i in members]
        duplicates = int(sum(1 for i in members if groups[i] != i))
        cluster_priority = score_cluster(
            member_priorities,
            places=[places[i] for i in members],
            duplicates=duplicates,
            weights=settings.weights,
            levels=settings.levels,
        )
        ordered = sorted(
            members.tolist(),
            key=lambda i: (LEVELS.index(priorities[i].level), -priorities[i].score, groups[i] != i, masked[i].row),
        )
        # The member that shows why the group ranks where it does: its most urgent one (a first report before
        # its copies when they tie), so a 긴급 group is shown by its 긴급 complaint and a 낮음 group by why it is low.
        representative = ordered[0]
        department = route([flat[i] for i in members], departments, compacted=True, background=background)
        drafts.append(ClusterResult(ordered, keywords[label], cluster_priority, department, representative, duplicates))
    drafts.sort(key=lambda c: _cluster_order(c, masked[c.representative].row))
    for rank, draft in enumerate(drafts):
        draft.title = "·".join(draft.keywords[:3]) or f"묶음 {rank + 1}"
        draft.summary = (
            f"{', '.join(draft.keywords[:4])} 관련 민원 {draft.size}건" if draft.keywords else f"민원 {draft.size}건"
        )
        for index in draft.members:
            result.complaints[index].cluster = rank
    rows = [c.row for c in masked]
    for index, scored in enumerate(result.complaints):
        scored.priority = priorities[index]
        scored.place = places[index]
        first = int(groups[index])
        scored.duplicate_of = rows[first] if first != index else None
    result.clusters = drafts
    progress("score", n, n)
    return result


def _cluster_order(cluster: ClusterResult, representative_row: int) -> tuple[int, int, float, int, int]:
    """Most urgent first: level, how many members have it, score, size, then the representative's row."""
    priority = cluster.priority
    return (
        LEVELS.index(priority.level),
        -priority.level_counts[priority.level],
        -priority.score,
        -cluster.size,
        representative_row,
    )


def rerank(result: TriageResult, settings: TriageSettings) -> None:
    """Group levels, representatives and ranks again from the members' priorities, after something changed
    them (the model pass): the same rules as the offline triage, so a group is as urgent as its most urgent
    complaint and is shown by it."""
    complaints = result.complaints
    for group in result.clusters:
        members = group.members
        group.priority = score_cluster(
            [complaints[i].priority for i in members],
            places=[complaints[i].place for i in members],
            duplicates=group.duplicates,
            weights=settings.weights,
            levels=settings.levels,
        )
        group.members = sorted(
            members,
            key=lambda i: (
                LEVELS.index(complaints[i].priority.level),
                -complaints[i].priority.score,
                complaints[i].duplicate_of is not None,
                complaints[i].complaint.row,
            ),
        )
        group.representative = group.members[0]
    result.clusters.sort(key=lambda c: _cluster_order(c, complaints[c.representative].complaint.row))
    for rank, group in enumerate(result.clusters):
        for index in group.members:
            complaints[index].cluster = rank


def _read_once(readings: dict[str, TextSignals], text: str, cleaned: str) -> TextSignals:
    found = readings.get(text)
    if found is None:
        found = readings[text] = read_text(text, cleaned)
    return found


def triage(
    source: ComplaintList,
    *,
    settings: TriageSettings,
    departments: Sequence[Department],
    actions: Mapping[str, str],
    as_of: datetime | None = None,
    terms: Sequence[str] = (),
    topic: str | None = None,
    progress: Progress = _quiet,
    nouns: NounFilter | None = None,
    workers: int = 1,
) -> TriageResult:
    """Select by topic, mask, then analyse: the offline triage, end to end."""
    chosen = select(source.complaints, terms)
    prepared = prepare_all(chosen, source, actions, progress, workers)
    result = analyse(
        source, prepared, settings=settings, departments=departments, as_of=as_of, progress=progress, nouns=nouns
    )
    result.topic, result.terms, result.total = topic, list(terms), len(source.complaints)
    return result

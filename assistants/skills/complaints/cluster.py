"""Near-duplicates and topical clusters, with the number of clusters chosen from the data (scikit-learn).

Complaints become TF-IDF vectors of syllable n-grams and, for lists short enough, morphemes (features.py),
reduced by TruncatedSVD to a dense semantic space (LSA) and normalised. The number of clusters is the
one within bounds that suit the list's size with the best cosine silhouette on a sample; k-means on the
unit vectors then assigns every complaint. Everything is seeded, so the same list gives the same clusters.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize

from assistants.skills.complaints.features import morpheme_matrix

SEED = 20261123
DIMENSIONS = 100  # LSA dimensions; 50–150 tried on the dev part of ../shared/complaints
FIT_SAMPLE = 20_000
K_SAMPLE = 2_000
MAX_CLUSTERS = 60
MORPHEME_BUDGET = 150_000  # characters kiwipiepy reads per list (≈ 4.5 CPU s); each complaint's opening
MORPHEME_MIN_CHARS = 120  # below this share per complaint the morphemes add nothing (dev set)


@dataclass(frozen=True, slots=True)
class Clustering:
    labels: np.ndarray  # cluster of each complaint, 0 = largest
    k: int
    silhouette: float  # of the chosen k on the sample (−1…1); 0 when not measured
    centroids: np.ndarray  # unit vectors in the embedding space, one per cluster


@runtime_checkable
class Morphemes(Protocol):
    def morphemes(self, texts: Sequence[str]) -> list[str]: ...


def features(
    texts: Sequence[str], char_matrix: sparse.csr_matrix, morphemes: Morphemes | None = None
) -> sparse.csr_matrix:
    """Character n-grams, joined by morpheme TF-IDF of each complaint's opening when the list is short
    enough for the tokenizer (MORPHEME_BUDGET characters in all)."""
    n = len(texts)
    if morphemes is None or n == 0:
        return char_matrix
    share = min(600, MORPHEME_BUDGET // n)
    if share < MORPHEME_MIN_CHARS:
        return char_matrix
    morpheme = morpheme_matrix(morphemes.morphemes([t[:share] for t in texts]))
    if morpheme is None:
        return char_matrix
    return normalize(sparse.hstack([char_matrix, morpheme], format="csr"))


def embed(matrix: sparse.csr_matrix, dimensions: int = DIMENSIONS, seed: int = SEED) -> np.ndarray:
    """Unit-length LSA vectors: scikit-learn's randomized TruncatedSVD fitted on at most FIT_SAMPLE rows."""
    n, width = matrix.shape
    dims = min(dimensions, n - 1, width - 1)
    if dims < 2:
        return normalize(matrix.toarray().astype(np.float32))
    rng = np.random.default_rng(seed)
    fit = matrix if n <= FIT_SAMPLE else matrix[np.sort(rng.choice(n, FIT_SAMPLE, replace=False))]
    svd = TruncatedSVD(n_components=dims, algorithm="randomized", n_iter=5, random_state=seed).fit(fit)
    # svd.transform would multiply the whole float32 matrix by float64 components, copying it as float64 first
    # (about 500 MB for 10^5 complaints); in float32 and in slices the projection needs no copy.
    components = svd.components_.T.astype(np.float32)
    vectors = np.empty((n, dims), dtype=np.float32)
    for start in range(0, n, FIT_SAMPLE):
        vectors[start : start + FIT_SAMPLE] = matrix[start : start + FIT_SAMPLE] @ components
    return normalize(vectors, copy=False)


def _kmeans(vectors: np.ndarray, k: int, seed: int, n_init: int) -> KMeans:
    return KMeans(n_clusters=k, n_init=n_init, random_state=seed, max_iter=100).fit(vectors)


def k_bounds(n: int, max_clusters: int = MAX_CLUSTERS) -> tuple[int, int]:
    """Numbers of groups worth trying for a list of n complaints: 2 (a list of one topic) to 1.5·√n (a
    400-complaint list: up to 30 groups; 1,000: 47), never more than max_clusters nor a group per two."""
    upper = int(min(max_clusters, max(2, round(1.5 * math.sqrt(n))), max(2, n // 2)))
    return 2, upper


PARSIMONY = 0.03  # × ln k, subtracted from the silhouette (see choose_k); 0.02–0.04 tried on the dev part


def choose_k(vectors: np.ndarray, *, seed: int = SEED, max_clusters: int = MAX_CLUSTERS) -> tuple[int, float]:
    """The k within k_bounds with the best cosine silhouette on a sample, less PARSIMONY·ln k (silhouettes
    of short texts creep up as groups split into ever smaller shared details). Returns (k, its silhouette);
    (1, …) when no split beats none."""
    n = len(vectors)
    if n < 4:
        return 1, 0.0
    rng = np.random.default_rng(seed)
    sample = vectors if n <= K_SAMPLE else vectors[np.sort(rng.choice(n, K_SAMPLE, replace=False))]
    lower, upper = k_bounds(n, max_clusters)
    upper = min(upper, len(sample) - 1)
    lower = min(lower, upper)
    step = max(1, (upper - lower) // 15)
    scores: dict[int, float] = {}
    for k in range(lower, upper + 1, step):
        labels = _kmeans(sample, k, seed, n_init=2).labels_
        if len(set(labels.tolist())) < 2:
            continue
        scores[k] = float(silhouette_score(sample, labels, metric="cosine"))
    if not scores:
        return 1, 0.0
    chosen = max(scores, key=lambda k: (scores[k] - PARSIMONY * math.log(k), -k))
    if scores[chosen] <= 0:
        return 1, scores[chosen]
    return chosen, scores[chosen]


def cluster(vectors: np.ndarray, *, seed: int = SEED, max_clusters: int = MAX_CLUSTERS) -> Clustering:
    """Clusters numbered by size (0 = largest); ties keep the order of their first complaint."""
    n = len(vectors)
    if n == 0:
        return Clustering(
            np.zeros(0, dtype=np.int64), 0, 0.0, np.zeros((0, vectors.shape[1] if vectors.ndim == 2 else 0))
        )
    k, score = choose_k(vectors, seed=seed, max_clusters=max_clusters)
    if k > 1:
        model = _kmeans(vectors, k, seed, n_init=4)
        labels, centroids = model.labels_.astype(np.int64), normalize(model.cluster_centers_.astype(np.float32))
    else:
        labels, centroids = np.zeros(n, dtype=np.int64), normalize(vectors.sum(axis=0, keepdims=True))
    sizes = np.bincount(labels, minlength=len(centroids))
    first = np.full(len(centroids), n)
    np.minimum.at(first, labels, np.arange(n))
    order = [c for c in sorted(range(len(centroids)), key=lambda c: (-sizes[c], first[c])) if sizes[c] > 0]
    remap = np.full(len(centroids), -1)
    remap[order] = np.arange(len(order))
    return Clustering(remap[labels], len(order), score, centroids[order])


# ---- near-duplicates ------------------------------------------------------------------------

DUPLICATE_SIMILARITY = 0.8  # cosine of n-gram vectors; tuned on tests/data (see the benchmark)
_PREFILTER = 0.9  # LSA cosine below which two complaints are not checked as near-duplicates (0.85 finds no more on tests/data, 5× slower)
_BLOCK = 500  # rows compared at a time: a 500 × cluster-size block and its top-k (tens of MB on 10^5)
SHORT = 200  # characters: below this a shared sentence is most of a report, so its place decides
_NEIGHBOURS = 8  # candidates per complaint and block (bounds the work on lists with many repeats)


def near_duplicates(
    matrix: sparse.csr_matrix,
    vectors: np.ndarray,
    labels: np.ndarray,
    keys: list[str],
    threshold: float = DUPLICATE_SIMILARITY,
    places: list[str] | None = None,
) -> np.ndarray:
    """Group of each complaint: the index of the first complaint it repeats (itself when unique).

    Identical text after normalisation is always a duplicate; otherwise two complaints of one cluster
    whose n-gram cosine is at least `threshold` are (candidates come from the LSA space, then are checked),
    unless they name different places.
    """
    n = len(keys)
    parent = np.arange(n)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)

    first_of: dict[str, int] = {}
    for index, key in enumerate(keys):
        if key in first_of:
            union(first_of[key], index)
        else:
            first_of[key] = index
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        for start in range(0, len(members), _BLOCK):
            block = members[start : start + _BLOCK]
            rest = members[start:]
            similarity = vectors[block] @ vectors[rest].T
            similarity[np.arange(len(block)), np.arange(len(block))] = -1.0  # not itself
            if similarity.shape[1] > _NEIGHBOURS:  # each complaint's closest few suffice to join its repeats
                cut = np.argpartition(similarity, -_NEIGHBOURS, axis=1)[:, :-_NEIGHBOURS]
                np.put_along_axis(similarity, cut, -1.0, axis=1)
            i_local, j_local = np.nonzero(similarity >= _PREFILTER)
            keep = rest[j_local] > block[i_local]
            left, right = block[i_local[keep]], rest[j_local[keep]]
            if left.size == 0:
                continue
            exact = np.asarray(matrix[left].multiply(matrix[right]).sum(axis=1)).ravel()
            for i, j in zip(left[exact >= threshold], right[exact >= threshold]):
                if (
                    places
                    and places[i]
                    and places[j]
                    and places[i] != places[j]
                    and min(len(keys[i]), len(keys[j])) < SHORT
                ):
                    continue  # short reports alike in words but about two places are two problems; copied letters are one
                union(int(i), int(j))
    return np.array([find(i) for i in range(n)], dtype=np.int64)

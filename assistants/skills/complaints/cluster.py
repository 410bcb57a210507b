"""Near-duplicates and topical clusters, with the number of clusters chosen from the data.

Complaints become TF-IDF vectors of syllable n-grams (features.py), reduced by a randomized SVD to a
dense semantic space (LSA). The number of clusters is the one with the best silhouette on a sample;
spherical k-means then assigns every complaint. Everything is seeded, so the same list gives the same
clusters. Pure functions on arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

SEED = 20261123
DIMENSIONS = 50  # tuned on tests/data: 30–100 tried, 50 separates topics best (benchmark)
FIT_SAMPLE = 20_000
K_SAMPLE = 2_000
MAX_CLUSTERS = 40


@dataclass(frozen=True, slots=True)
class Clustering:
    labels: np.ndarray  # cluster of each complaint, 0 = largest
    k: int
    silhouette: float  # of the chosen k on the sample (−1…1); 0 when not measured
    centroids: np.ndarray  # unit vectors in the embedding space, one per cluster


def embed(matrix: sparse.csr_matrix, dimensions: int = DIMENSIONS, seed: int = SEED) -> np.ndarray:
    """Unit-length LSA vectors: a randomized SVD (Halko et al.) fitted on at most FIT_SAMPLE rows."""
    n, width = matrix.shape
    dims = max(1, min(dimensions, n - 1, width - 1))
    if n <= 2 or width <= 2:
        dense = matrix.toarray().astype(np.float32)
        return _unit(dense)
    rng = np.random.default_rng(seed)
    fit = matrix if n <= FIT_SAMPLE else matrix[np.sort(rng.choice(n, FIT_SAMPLE, replace=False))]
    oversample = dims + 10
    q = np.asarray(fit @ rng.standard_normal((width, oversample)).astype(np.float32))
    for _ in range(2):  # power iterations sharpen the leading directions
        q, _ = np.linalg.qr(q)
        q = np.asarray(fit @ np.asarray(fit.T @ q))
    q, _ = np.linalg.qr(q)
    b = np.asarray(fit.T @ q).T
    _, _, vt = np.linalg.svd(b, full_matrices=False)
    components = vt[:dims].astype(np.float32)
    return _unit(np.asarray(matrix @ components.T, dtype=np.float32))


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32)


def spherical_kmeans(
    vectors: np.ndarray, k: int, *, seed: int = SEED, n_init: int = 3, iterations: int = 40
) -> tuple[np.ndarray, np.ndarray]:
    """(labels, unit centroids) maximising the summed cosine similarity; k-means++ seeding."""
    n = len(vectors)
    k = max(1, min(k, n))
    rng = np.random.default_rng(seed)
    best: tuple[float, np.ndarray, np.ndarray] | None = None
    for _ in range(n_init):
        centroids = _plus_plus(vectors, k, rng)
        labels = np.zeros(n, dtype=np.int64)
        for step in range(iterations):
            similarity = vectors @ centroids.T
            new_labels = similarity.argmax(axis=1)
            if step and np.array_equal(new_labels, labels):
                break
            labels = new_labels
            centroids = _centroids(vectors, labels, k, similarity)
        objective = float((vectors @ centroids.T)[np.arange(n), labels].sum())
        if best is None or objective > best[0]:
            best = (objective, labels, centroids)
    assert best is not None
    return best[1], best[2]


def _plus_plus(vectors: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    n = len(vectors)
    chosen = [int(rng.integers(n))]
    distance = 1.0 - vectors @ vectors[chosen[0]]
    for _ in range(1, k):
        weights = np.clip(distance, 0, None) ** 2
        total = weights.sum()
        pick = int(rng.choice(n, p=weights / total)) if total > 0 else int(rng.integers(n))
        chosen.append(pick)
        distance = np.minimum(distance, 1.0 - vectors @ vectors[pick])
    return vectors[chosen].copy()


def _centroids(vectors: np.ndarray, labels: np.ndarray, k: int, similarity: np.ndarray) -> np.ndarray:
    onehot = sparse.csr_matrix(
        (np.ones(len(labels), dtype=np.float32), (labels, np.arange(len(labels)))), shape=(k, len(labels))
    )
    sums = np.asarray(onehot @ vectors)
    empty = np.flatnonzero(np.bincount(labels, minlength=k) == 0)
    if empty.size:  # an empty cluster restarts at the worst-fitted complaints
        worst = np.argsort(similarity[np.arange(len(vectors)), labels])[: empty.size]
        sums[empty] = vectors[worst]
    return _unit(sums)


def silhouette(similarity: np.ndarray, labels: np.ndarray, k: int) -> float:
    """Mean silhouette with cosine distance, from a precomputed similarity matrix."""
    n = len(labels)
    counts = np.bincount(labels, minlength=k).astype(np.float64)
    if (counts > 0).sum() < 2:
        return 0.0
    onehot = np.zeros((n, k), dtype=np.float32)
    onehot[np.arange(n), labels] = 1.0
    distance_sums = (1.0 - similarity) @ onehot  # n x k
    own = counts[labels]
    a = np.where(own > 1, distance_sums[np.arange(n), labels] / np.maximum(own - 1, 1), 0.0)
    other = distance_sums / np.where(counts > 0, counts, np.inf)
    other[np.arange(n), labels] = np.inf
    b = other.min(axis=1)
    s = np.where(own > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-9), 0.0)
    return float(s.mean())


PARSIMONY = 0.06  # × ln k, subtracted from the silhouette (see choose_k)


def choose_k(vectors: np.ndarray, *, seed: int = SEED, max_clusters: int = MAX_CLUSTERS) -> tuple[int, float]:
    """The k in 2…√n (at most max_clusters) with the best silhouette on a sample, less a parsimony
    penalty PARSIMONY·ln k. Silhouettes of short texts keep rising slowly as clusters split into
    ever smaller groups of shared detail; the penalty stops at the split that separates topics (on
    tests/data: the 13 topics of the whole set, and the two kickboard topics within it). Returns
    (k, its silhouette); (1, …) when no split is better than none."""
    n = len(vectors)
    if n < 4:
        return 1, 0.0
    rng = np.random.default_rng(seed)
    sample = vectors if n <= K_SAMPLE else vectors[np.sort(rng.choice(n, K_SAMPLE, replace=False))]
    similarity = sample @ sample.T
    upper = int(min(max_clusters, max(2, np.sqrt(n)), len(sample) - 1))
    scores: dict[int, float] = {}
    for k in range(2, upper + 1):
        labels, _ = spherical_kmeans(sample, k, seed=seed, n_init=4, iterations=25)
        scores[k] = silhouette(similarity, labels, k)
    chosen = max(scores, key=lambda k: (scores[k] - PARSIMONY * np.log(k), -k))
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
    labels, centroids = (
        spherical_kmeans(vectors, k, seed=seed, n_init=5)
        if k > 1
        else (np.zeros(n, dtype=np.int64), _unit(vectors.sum(axis=0, keepdims=True)))
    )
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
_BLOCK = 2_000
_NEIGHBOURS = 8  # candidates per complaint and block (bounds the work on lists with many repeats)


def near_duplicates(
    matrix: sparse.csr_matrix,
    vectors: np.ndarray,
    labels: np.ndarray,
    keys: list[str],
    threshold: float = DUPLICATE_SIMILARITY,
) -> np.ndarray:
    """Group of each complaint: the index of the first complaint it repeats (itself when unique).

    Identical text after normalisation is always a duplicate; otherwise two complaints of one cluster
    whose n-gram cosine is at least `threshold` are (candidates come from the LSA space, then are checked).
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
                union(int(i), int(j))
    return np.array([find(i) for i in range(n)], dtype=np.int64)

"""Korean-aware text features that scale: character 2- and 3-grams of syllables, built with numpy.

Why not morphemes: kiwipiepy tokenises roughly 11–38k characters per second per core here, so 10,000
complaints of 300 characters would spend 80 s or more in the tokenizer alone. Syllable n-grams catch
the same stems (킥보드, 킥보드가, 킥보드를 share "킥보", "보드") and are built for every complaint at once
with array operations. See benchmarks/complaint_triage.py for the measurements.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse

_NON_WORD = re.compile(r"[^0-9a-z가-힣]+")
_DIGITS = re.compile(r"[0-9]+")
_PLACEHOLDER = re.compile(r"\[[^\]]{1,12}\]")  # masked values carry no topic
MAX_FEATURES = 1 << 16


def normalise(text: str) -> str:
    """Lower case, Hangul/Latin only, single spaces: the form every feature and duplicate check reads."""
    text = _PLACEHOLDER.sub(" ", text.casefold())
    text = _DIGITS.sub(" ", text)
    return _NON_WORD.sub(" ", text).strip()


def compact(text: str) -> str:
    """Without spaces: "전동 킥보드" and "전동킥보드" become one string."""
    return normalise(text).replace(" ", "")


BUCKETS_BITS = 20  # n-grams hashed into 2^20 columns: collisions are negligible for ~10^5 distinct n-grams


CHUNK = 5_000  # texts per array pass: bounds the temporary arrays (~40 MB per 1,000 texts of 300 characters)


def ngram_matrix(texts: Sequence[str], normalised: bool = False) -> sparse.csr_matrix:
    """Counts of every syllable 2-gram and 3-gram inside words, one row per text, hashed columns.
    Built with array operations over CHUNK texts at a time (no Python loop per n-gram)."""
    if len(texts) > CHUNK:
        return sparse.vstack(
            [ngram_matrix(texts[i : i + CHUNK], normalised) for i in range(0, len(texts), CHUNK)], format="csr"
        )
    normalised_texts = list(texts) if normalised else [normalise(t) for t in texts]
    n = len(normalised_texts)
    joined = " ".join(normalised_texts) + " "
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    lengths = np.fromiter((len(t) + 1 for t in normalised_texts), dtype=np.int64, count=n)
    doc = np.repeat(np.arange(n, dtype=np.int64), lengths)
    space = codes == 32
    ok2 = ~(space[:-1] | space[1:])
    ok3 = ok2[:-1] & ~space[2:]
    bigrams = ((codes[:-1] << np.uint64(21)) | codes[1:])[ok2]
    trigrams = ((codes[:-2] << np.uint64(42)) | (codes[1:-1] << np.uint64(21)) | codes[2:])[ok3]
    grams = np.concatenate([bigrams, trigrams])
    rows = np.concatenate([doc[:-1][ok2], doc[:-2][ok3]])
    columns = ((grams * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - BUCKETS_BITS)).astype(
        np.int64
    )  # Fibonacci hashing
    counts = sparse.coo_matrix((np.ones(len(grams), dtype=np.float32), (rows, columns)), shape=(n, 1 << BUCKETS_BITS))
    matrix = counts.tocsr()
    matrix.sum_duplicates()
    return matrix


def tfidf_matrix(
    texts: Sequence[str],
    *,
    min_df: int = 2,
    max_df: float = 0.5,
    max_features: int = MAX_FEATURES,
    normalised: bool = False,
) -> sparse.csr_matrix:
    """Rows L2-normalised, sublinear term frequency, smooth idf; n-grams seen in fewer than `min_df`
    complaints or in more than `max_df` of them carry no topic and are left out."""
    counts = ngram_matrix(texts, normalised)
    n = counts.shape[0]
    if counts.nnz == 0:
        return sparse.csr_matrix((n, 1), dtype=np.float32)
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    keep = df >= min(min_df, max(1, n // 2))  # a short list keeps its rarer n-grams
    if n >= 10:
        keep &= df <= max_df * n
    if keep.sum() > max_features:
        threshold = np.sort(df[keep])[-max_features]
        keep &= df >= threshold
    if not keep.any():
        keep = df > 0
    matrix = counts[:, np.flatnonzero(keep)].tocsr()
    del counts  # the full hashed matrix is the largest object here; keep one copy at a time
    idf = (np.log((1 + n) / (1 + df[keep])) + 1.0).astype(np.float32)
    data = matrix.data
    np.log(data, out=data)
    data += 1.0
    data *= idf[matrix.indices]
    row_of = np.repeat(np.arange(n), np.diff(matrix.indptr))
    norms = np.sqrt(np.bincount(row_of, weights=data * data, minlength=n))
    norms[norms == 0] = 1.0
    data /= norms[row_of].astype(np.float32)
    return matrix

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


def ngram_counts(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(document index, n-gram id, count) for every distinct syllable 2-gram and 3-gram inside words."""
    normalised = [normalise(t) for t in texts]
    joined = " ".join(normalised) + " "
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    lengths = np.fromiter((len(t) + 1 for t in normalised), dtype=np.int64, count=len(normalised))
    doc = np.repeat(np.arange(len(normalised), dtype=np.int64), lengths)
    space = codes == 32
    a, b, c = codes[:-2], codes[1:-1], codes[2:]
    ok2 = ~(space[:-1] | space[1:])
    ok3 = ok2[:-1] & ~space[2:]
    bigrams = (codes[:-1] << 21 | codes[1:])[ok2]
    trigrams = ((a << 42) | (b << 21) | c)[ok3]
    docs = np.concatenate([doc[:-1][ok2], doc[:-2][ok3]])
    grams = np.concatenate([bigrams, trigrams])
    if grams.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
    vocabulary, gram_index = np.unique(grams, return_inverse=True)
    pair = docs * len(vocabulary) + gram_index
    pairs, counts = np.unique(pair, return_counts=True)
    return pairs // len(vocabulary), vocabulary[pairs % len(vocabulary)], counts


def tfidf_matrix(texts: Sequence[str], *, min_df: int = 2, max_df: float = 0.5, max_features: int = MAX_FEATURES) -> sparse.csr_matrix:
    """Rows L2-normalised, sublinear term frequency, smooth idf; n-grams seen in fewer than `min_df`
    complaints or in more than `max_df` of them carry no topic and are left out."""
    n = len(texts)
    docs, grams, counts = ngram_counts(texts)
    if grams.size == 0:
        return sparse.csr_matrix((n, 1), dtype=np.float32)
    vocabulary, column = np.unique(grams, return_inverse=True)
    df = np.bincount(column, minlength=len(vocabulary))
    keep = df >= min(min_df, max(1, n // 2))  # a short list keeps its rarer n-grams
    if n >= 10:
        keep &= df <= max_df * n
    if keep.sum() > max_features:
        threshold = np.sort(df[keep])[-max_features]
        keep &= df >= threshold
    if not keep.any():
        keep[:] = True
    new_index = np.cumsum(keep) - 1
    mask = keep[column]
    rows, cols = docs[mask], new_index[column[mask]]
    idf = np.log((1 + n) / (1 + df[keep])) + 1.0
    values = (1.0 + np.log(counts[mask])) * idf[cols]
    matrix = sparse.csr_matrix((values.astype(np.float32), (rows, cols)), shape=(n, int(keep.sum())))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms).astype(np.float32) @ matrix)

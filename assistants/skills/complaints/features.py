"""Korean-aware text features with scikit-learn: character 2- and 3-grams of syllables for every list,
and morpheme TF-IDF when the list is short enough to tokenise.

Why both: morphemes separate topics better (on the dev part of ../shared/complaints), but kiwipiepy reads
about 30k characters per CPU second, so 1,000 complaints of 400 characters would spend 13 s in it.
Syllable n-grams catch the same stems (킥보드, 킥보드가, 킥보드를 share "킥보", "보드") for every length of
list; morphemes are added for each complaint's opening within a character budget (cluster.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

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
CHUNK = 2_000  # texts hashed at a time: bounds the temporary arrays (about 50 MB) of a long list


_SEPARATOR = 0x0A  # between texts: no n-gram crosses it
_SPACE = 0x20


def _hashed_ngrams(docs: Sequence[str]) -> sparse.csr_matrix:
    """Counts of the syllable 2- and 3-grams inside space-padded words, hashed into 2^BUCKETS_BITS columns,
    computed with numpy over all `docs` at once (no Python loop per n-gram). Same n-grams as scikit-learn's
    char_wb analyser: every word is read as " word " and each window inside it counts."""
    # Each word padded by its own spaces: " w1  w2 "; texts joined by a separator no n-gram may contain.
    joined = "\n".join(" " + doc.replace(" ", "  ") + " " for doc in docs)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    row_of = np.cumsum(codes == _SEPARATOR)  # text index of each position
    spaces, breaks = codes == _SPACE, codes == _SEPARATOR
    a, b = codes[:-1], codes[1:]
    # 2-gram: not two spaces (the gap between two padded words) and no separator.
    two = ~(spaces[:-1] & spaces[1:]) & ~breaks[:-1] & ~breaks[1:]
    hash2 = (a * np.uint64(0x9E3779B1) + b) * np.uint64(0x85EBCA77)
    # 3-gram: its middle is inside a word (not a space) and no separator.
    three = ~spaces[1:-1] & ~breaks[:-2] & ~breaks[1:-1] & ~breaks[2:]
    hash3 = ((codes[:-2] * np.uint64(0xC2B2AE3D) + codes[1:-1]) * np.uint64(0x27D4EB2F) + codes[2:]) * np.uint64(
        0x165667B1
    )
    mask = np.uint64((1 << BUCKETS_BITS) - 1)
    shift = np.uint64(29)
    columns = np.concatenate([((hash2 ^ (hash2 >> shift)) & mask)[two], ((hash3 ^ (hash3 >> shift)) & mask)[three]])
    rows = np.concatenate([row_of[:-1][two], row_of[:-2][three]])
    # (row, column) pairs counted by one sort: arrays of exactly the final size (a COO→CSR conversion would keep
    # buffers of the size before duplicates were summed, twice the memory on a long list).
    keys, counts = np.unique((rows.astype(np.uint64) << np.uint64(BUCKETS_BITS)) | columns, return_counts=True)
    indptr = np.zeros(len(docs) + 1, dtype=np.int64)
    np.cumsum(np.bincount((keys >> np.uint64(BUCKETS_BITS)).astype(np.int64), minlength=len(docs)), out=indptr[1:])
    return sparse.csr_matrix(
        (counts.astype(np.float32), (keys & mask).astype(np.int32), indptr), shape=(len(docs), 1 << BUCKETS_BITS)
    )


def ngram_matrix(texts: Sequence[str], normalised: bool = False) -> sparse.csr_matrix:
    """Counts of every syllable 2-gram and 3-gram inside words (the n-grams of scikit-learn's char_wb
    analyser), one row per text, hashed columns: stateless, so a long list is hashed CHUNK texts at a time."""
    docs = list(texts) if normalised else [normalise(t) for t in texts]
    if not docs:
        return sparse.csr_matrix((0, 1 << BUCKETS_BITS), dtype=np.float32)
    parts = [_hashed_ngrams(docs[i : i + CHUNK]) for i in range(0, len(docs), CHUNK)]
    return (parts[0] if len(parts) == 1 else sparse.vstack(parts, format="csr")).tocsr()


def keep_columns(counts: sparse.csr_matrix, *, min_df: int, max_df: float, max_features: int) -> np.ndarray:
    """Columns seen in at least `min_df` and at most `max_df` of the rows (short lists keep rarer ones)."""
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    return _keep(df, counts.shape[0], min_df=min_df, max_df=max_df, max_features=max_features)


def _keep(df: np.ndarray, n: int, *, min_df: int, max_df: float, max_features: int) -> np.ndarray:
    keep = df >= min(min_df, max(1, n // 2))
    if n >= 10:
        keep &= df <= max_df * n
    if keep.sum() > max_features:
        keep &= df >= np.sort(df[keep])[-max_features]
    if not keep.any():
        keep = df > 0
    return np.flatnonzero(keep)


def _selected(parts: list[sparse.csr_matrix], columns: np.ndarray, width: int) -> sparse.csr_matrix:
    """The rows of all `parts` with only `columns` (renumbered 0…), built part by part: each hashed part is
    dropped as soon as it is read, so the full hashed matrix and its selection never both stay in memory."""
    new_index = np.full(width, -1, dtype=np.int64)
    new_index[columns] = np.arange(len(columns))
    data, indices, lengths = [], [], []
    while parts:
        part = parts.pop(0)
        mapped = new_index[part.indices]
        kept = mapped >= 0
        rows = np.repeat(np.arange(part.shape[0]), np.diff(part.indptr))
        data.append(part.data[kept])
        indices.append(mapped[kept].astype(np.int32))
        lengths.append(np.bincount(rows[kept], minlength=part.shape[0]))
        del part, mapped, kept, rows
    indptr = np.concatenate([[0], np.cumsum(np.concatenate(lengths))]).astype(np.int64)
    matrix = sparse.csr_matrix(
        (np.concatenate(data), np.concatenate(indices), indptr), shape=(len(indptr) - 1, len(columns))
    )
    matrix.has_sorted_indices = True  # each hashed part was summed and sorted; renumbering keeps the order
    return matrix


def _tfidf_in_place(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """scikit-learn's TfidfTransformer(sublinear_tf=True) (smooth idf, L2 rows) on float32 data, in place."""
    n = matrix.shape[0]
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
    np.log(matrix.data, out=matrix.data)
    matrix.data += np.float32(1.0)
    matrix.data *= idf[matrix.indices]
    return normalize(matrix, norm="l2", copy=False)


def tfidf_matrix(
    texts: Sequence[str],
    *,
    min_df: int = 2,
    max_df: float = 0.5,
    max_features: int = MAX_FEATURES,
    normalised: bool = False,
) -> sparse.csr_matrix:
    """Rows L2-normalised, sublinear term frequency, smooth idf (as scikit-learn's TfidfTransformer, computed
    in place on float32); n-grams seen in fewer than `min_df` complaints or in more than `max_df` of them carry
    no topic. Hashed CHUNK texts at a time and selected part by part, to bound memory on 10^5 complaints."""
    docs = list(texts) if normalised else [normalise(t) for t in texts]
    n, width = len(docs), 1 << BUCKETS_BITS
    parts = [_hashed_ngrams(docs[i : i + CHUNK]) for i in range(0, n, CHUNK)]
    df = np.zeros(width, dtype=np.int64)
    for part in parts:
        df += np.bincount(part.indices, minlength=width)
    if not df.any():
        return sparse.csr_matrix((n, 1), dtype=np.float32)
    columns = _keep(df, n, min_df=min_df, max_df=max_df, max_features=max_features)
    return _tfidf_in_place(_selected(parts, columns, width))


def morpheme_matrix(documents: Sequence[str], *, min_df: int = 2, max_df: float = 0.5) -> sparse.csr_matrix | None:
    """TF-IDF of space-separated morphemes (nouns.Morphemes); None when no morpheme is shared."""
    n = len(documents)
    vectorizer = TfidfVectorizer(
        tokenizer=str.split,
        token_pattern=None,
        lowercase=False,
        sublinear_tf=True,
        min_df=min(min_df, max(1, n // 2)),
        max_df=max_df if n >= 10 else 1.0,
        dtype=np.float32,
    )
    try:
        return vectorizer.fit_transform(documents).tocsr()
    except ValueError:  # empty vocabulary
        return None

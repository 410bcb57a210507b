"""The parts made fast for long lists read the same as the plain versions: numpy n-gram hashing against
scikit-learn's char_wb analyser, the text reading shared by copies, repeat links over many reports at one place."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import CountVectorizer

from assistants.skills.complaints.features import ngram_matrix, normalise
from assistants.skills.complaints.priority import Context, read_text, score_complaint
from assistants.skills.complaints.repeats import link_repeats
from assistants.skills.complaints.settings import PriorityLevels, PriorityWeights

KOREAN = [
    "한빛초등학교 정문 앞 인도에 전동킥보드가 세워져 있어 아이들이 차도로 걸어갑니다",
    "가로등 나감 새봄길 12 앞",
    "a 가 나 PM 킥보드",
    "지난주에도 신고했는데 아직 그대로입니다 빨리 치워 주세요",
]


def _sklearn_counts(texts: list[str]) -> list[list[float]]:
    matrix = CountVectorizer(analyzer="char_wb", ngram_range=(2, 3), lowercase=False).fit_transform(texts)
    return [sorted(matrix[i].data.tolist()) for i in range(len(texts))]


def test_ngram_counts_are_scikit_learns_char_wb_counts_on_korean_complaints():
    texts = [normalise(t) for t in KOREAN]
    ours = ngram_matrix(texts, normalised=True)
    assert [sorted(ours[i].data.tolist()) for i in range(len(texts))] == _sklearn_counts(texts)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="가나다라킥보드 ab", min_size=1, max_size=40), min_size=1, max_size=6))
def test_ngram_totals_match_char_wb_for_any_text(raw):
    texts = [normalise(t) for t in raw]
    ours = ngram_matrix(texts, normalised=True)
    assert ours.shape[0] == len(texts)
    # Totals do not depend on which bucket an n-gram hashes to, so they must agree exactly.
    expected = [sum(counts) for counts in _sklearn_counts(texts)] if any(texts) else [0.0] * len(texts)
    assert np.asarray(ours.sum(axis=1)).ravel().tolist() == expected


def test_a_copied_text_is_read_once_and_scored_like_a_fresh_reading():
    text = "점자블록 위에 킥보드가 있어 시각장애인이 지나가기 어렵습니다"
    reading = read_text(text)
    assert reading.vulnerable and reading.blocked
    kwargs = dict(received=None, status="", as_of=None, weights=PriorityWeights(), levels=PriorityLevels())
    shared = score_complaint(text, Context(), read_as=reading, **kwargs)  # type: ignore[arg-type]
    fresh = score_complaint(text, Context(), **kwargs)  # type: ignore[arg-type]
    assert shared == fresh
    assert shared.level == "높음"


def test_repeat_reports_among_many_at_one_place_link_to_the_first_within_a_year():
    start = datetime(2026, 1, 1)
    texts = ["한빛로 23 앞 포트홀이 깊게 패였습니다"] * 300
    texts[150] = "지난주에도 신고했는데 아직 그대로입니다 한빛로 23 포트홀"
    texts[299] = "지난달에도 신고했는데 아직 그대로 한빛로 23"
    received = [start + timedelta(days=i) for i in range(300)]
    places = ["한빛로 23"] * 300
    labels = np.zeros(300, dtype=np.int64)
    vectors = np.ones((300, 2), dtype=np.float32) / np.sqrt(2)
    groups = np.arange(300)
    linked = link_repeats(texts, places, received, labels, vectors, groups)
    assert linked[150] == 0  # within a year of row 0
    assert linked[299] == 0  # joined through the same issue
    assert (linked[[1, 2, 200]] == [1, 2, 200]).all()  # plain reports stay their own

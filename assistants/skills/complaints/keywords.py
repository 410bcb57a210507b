"""Keywords of a cluster without a model: the words that are frequent in the cluster and rarer
elsewhere (class-based TF-IDF over whole words, with common particles and endings removed)."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

_WORD = re.compile(r"[가-힣A-Za-z]{2,}")
# Particles and endings stripped from the end of a word (longest first), so 킥보드가/킥보드를 count as 킥보드.
_SUFFIXES = sorted(
    [
        "이",
        "가",
        "은",
        "는",
        "을",
        "를",
        "에",
        "의",
        "도",
        "와",
        "과",
        "로",
        "으로",
        "에서",
        "에게",
        "께서",
        "까지",
        "부터",
        "마다",
        "만",
        "이나",
        "라도",
        "처럼",
        "보다",
        "하고",
        "이랑",
        "랑",
        "에는",
        "에도",
        "에서는",
        "으로는",
        "로는",
        "이라",
        "라서",
        "이라서",
        "입니다",
        "합니다",
        "습니다",
        "됩니다",
        "했습니다",
        "있습니다",
        "없습니다",
        "해요",
        "에요",
        "예요",
        "이에요",
        "인데",
        "인데요",
        "이고",
        "하고",
        "해서",
        "하여",
        "하는",
        "하게",
        "되어",
        "돼서",
        "들이",
        "들을",
        "들은",
        "들",
        "이요",
        "요",
    ],
    key=len,
    reverse=True,
)
_STOP = {
    "있습니다",
    "합니다",
    "주세요",
    "부탁드립니다",
    "바랍니다",
    "감사합니다",
    "안녕하세요",
    "안녕하십니까",
    "너무",
    "정말",
    "계속",
    "매일",
    "그냥",
    "여기",
    "거기",
    "이곳",
    "저희",
    "제가",
    "저는",
    "우리",
    "주민",
    "주민입니다",
    "민원",
    "신고",
    "요청",
    "확인",
    "조치",
    "처리",
    "때문",
    "때문에",
    "같습니다",
    "없이",
    "있는",
    "있어",
    "있어서",
    "하는",
    "해서",
    "되어",
    "수가",
    "것",
    "같아",
    "같은",
    "근처",
    "앞에",
    "지금",
    "오늘",
    "어제",
    "다시",
    "빨리",
    "해주세요",
    "해",
    "주시기",
    "주시면",
    "좋겠습니다",
    "드립니다",
    "수고",
    "수고하세요",
    "많으십니다",
    "성명",
    "전화번호",
    "이메일",
    "상세주소",
    # signatures and attachments (cleaning.py removes most; these never name a topic)
    "드림",
    "올림",
    "첨부",
    "첨부파일",
    "파일",
    "사진",
    "jpg",
    "jpeg",
    "png",
    "pdf",
    "hwp",
    "img",
}


_BY_LENGTH = [
    (length, frozenset(s for s in _SUFFIXES if len(s) == length))
    for length in sorted({len(s) for s in _SUFFIXES}, reverse=True)
]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The word without its particle or ending (the longest that leaves at least two syllables)."""
    for length, suffixes in _BY_LENGTH:
        if len(word) - length >= 2 and word[-length:] in suffixes:
            return word[:-length]
    return word


def words(text: str) -> list[str]:
    found = []
    for raw in _WORD.findall(text):
        word = stem(raw)
        if word not in _STOP and raw not in _STOP and len(word) >= 2:
            found.append(word)
    return found


NounFilter = Callable[[Sequence[str]], Mapping[str, "str | None"]]  # word -> its noun, or None if not a noun
CANDIDATES = 25


def cluster_keywords(
    texts: Sequence[str],
    labels: Sequence[int],
    k: int,
    top: int = 5,
    sample: int = 400,
    nouns: NounFilter | None = None,
) -> list[list[str]]:
    """`top` keywords per cluster, reading at most `sample` complaints of each (in order). With `nouns`,
    only the CANDIDATES best words per cluster are checked, and those that are not nouns dropped."""
    per_cluster: list[Counter[str]] = [Counter() for _ in range(k)]
    seen = [0] * k
    for text, label in zip(texts, labels):
        if seen[label] >= sample:
            continue
        seen[label] += 1
        per_cluster[label].update(set(words(text)))
    document_frequency: Counter[str] = Counter()
    for counter in per_cluster:
        document_frequency.update(counter.keys())
    result = []
    for label, counter in enumerate(per_cluster):
        size = max(1, seen[label])
        scored = [
            (count / size * math.log(1 + k / document_frequency[word]), word)
            for word, count in counter.items()
            if count >= 2 or size < 4
        ]
        scored.sort(key=lambda item: (-item[0], item[1]))
        candidates = [word for _, word in scored[:CANDIDATES]]
        if nouns is not None:
            checked = nouns(candidates)
            candidates = [noun for word in candidates if (noun := checked.get(word))]
        chosen: list[str] = []
        for word in candidates:
            if any(word in other or other in word for other in chosen):
                continue
            chosen.append(word)
            if len(chosen) == top:
                break
        result.append(chosen)
    return result

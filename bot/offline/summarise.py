"""Extractive summary: the most central sentences of a text, verbatim and in their original order.

Pure logic. Sentences are scored by how many of the text's frequent content words they carry
(so a sentence that states the main subject wins), with a small bonus for the opening sentence,
which in Korean administrative writing usually states the point.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence

Tokenizer = Callable[[str], list[str]]
SentenceSplitter = Callable[[str], list[str]]

_SENTENCE_END = re.compile(r"(?<=[.!?。])\s+|(?<=[다요음함임됨죠])\.\s*|\n+")
_WORD = re.compile(r"[가-힣A-Za-z0-9]{2,}")
# Common particles and endings stripped from the end of Hangul words when no morphological analyser is given.
_PARTICLES = (
    "으로써",
    "으로서",
    "에서는",
    "으로는",
    "에게서",
    "까지는",
    "에서",
    "으로",
    "에게",
    "까지",
    "부터",
    "처럼",
    "보다",
    "하고",
    "이며",
    "이고",
    "은",
    "는",
    "이",
    "가",
    "을",
    "를",
    "에",
    "의",
    "와",
    "과",
    "도",
    "만",
    "로",
)


def split_sentences(text: str) -> list[str]:
    """Split on sentence punctuation and line breaks; keeps each sentence's own wording."""
    parts = [p.strip() for p in _SENTENCE_END.split(text)]
    return [p for p in parts if len(p) >= 2]


def simple_tokens(sentence: str) -> list[str]:
    """Content words with common Korean particles removed (a fallback when no analyser is available)."""
    words = []
    for word in _WORD.findall(sentence):
        for particle in _PARTICLES:
            if word.endswith(particle) and len(word) - len(particle) >= 2:
                word = word[: -len(particle)]
                break
        words.append(word.lower())
    return words


def summarise(
    text: str,
    max_sentences: int = 3,
    *,
    tokens: Tokenizer = simple_tokens,
    sentences: SentenceSplitter = split_sentences,
) -> list[str]:
    """The `max_sentences` most central sentences of `text`, in the order they appear."""
    found = sentences(text)
    if len(found) <= max_sentences:
        return found
    per_sentence = [tokens(s) for s in found]
    frequency = Counter(word for words in per_sentence for word in set(words))
    scores = [_score(words, frequency, index) for index, words in enumerate(per_sentence)]
    chosen = sorted(sorted(range(len(found)), key=lambda i: (-scores[i], i))[:max_sentences])
    return [found[i] for i in chosen]


def _score(words: Sequence[str], frequency: Counter[str], index: int) -> float:
    if not words:
        return 0.0
    weight = sum(frequency[w] - 1 for w in set(words)) / (len(set(words)) ** 0.5)
    return weight + (0.5 if index == 0 else 0.0)

"""A statistical second opinion on abusive Korean: character n-grams, words and word pairs with a linear model.

It sees abuse that no word list holds (insults built from ordinary words, community coinages) and gives no
span, so it never masks: it flags, and the lexicon stays the explanation admins see. The model is a small JSON
file (n-gram → weight for the 12,000 strongest, bias, threshold) built by scripts/train_abuse_model.py from the
MIT-licensed 2runo/Curse-detection-data (dev split only; the threshold chosen on out-of-fold dev scores); scoring
is one Aho-Corasick pass, a set of n-grams and one sum.
"""

from __future__ import annotations

import json
import math
import unicodedata
from importlib import resources

import ahocorasick

MAX_N = 4  # character n-grams of each word, 1 to MAX_N long


def words_text(text: str) -> str:
    """NFKC, lower case, words joined by single spaces and padded with one at each end."""
    return " " + " ".join(unicodedata.normalize("NFKC", text).lower().split()) + " "


def features(text: str) -> set[str]:
    """What training counts: character 1- to MAX_N-grams of each word padded with spaces at its edges, and each
    word and each pair of neighbouring words, also padded (" 개 소리 "). Every feature is a substring of
    `words_text(text)`, and every substring of it that is a feature of some text is a feature of this one (a
    space inside a feature stands only at a word's edge), so scoring can find them all in one pass."""
    out: set[str] = set()
    words = words_text(text).split()
    for word in words:
        padded = f" {word} "
        for n in range(1, MAX_N + 1):
            out.update(padded[i : i + n] for i in range(len(padded) - n + 1))
    out.update(f" {first} {second} " for first, second in zip(words, words[1:]))
    out.discard(" ")
    return out


def scale(text: str) -> float:
    """Long texts must not add up: the sum is divided by the square root of the text's length."""
    return 1 / math.sqrt(len(words_text(text)))


class AbuseClassifier:
    """Scores with one Aho-Corasick pass over the text for the model's n-grams (a space inside an n-gram only
    ever stands at a word's edge, so the joined text holds exactly the n-grams `features` counts)."""

    def __init__(self, weights: dict[str, float], bias: float, threshold: float):
        self._weights = weights
        self._bias = bias
        self.threshold = threshold
        self._automaton = ahocorasick.Automaton()
        for gram in weights:
            self._automaton.add_word(gram, gram)
        if weights:
            self._automaton.make_automaton()

    @classmethod
    def builtin(cls) -> AbuseClassifier:
        text = resources.files("bot.wordfilter").joinpath("abuse_model_ko.json").read_text(encoding="utf-8")
        data = json.loads(text)
        return cls(data["weights"], data["bias"], data["threshold"])

    def score(self, text: str) -> float:
        joined = words_text(text)
        if not self._weights:
            return self._bias
        found = {gram for _, gram in self._automaton.iter(joined)}
        return self._bias + sum(self._weights[gram] for gram in found) / math.sqrt(len(joined))

    def is_abusive(self, text: str) -> bool:
        return self.score(text) >= self.threshold

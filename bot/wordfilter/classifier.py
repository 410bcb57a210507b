"""A statistical second opinion on abusive Korean: character n-grams with a sparse linear model.

It sees abuse that no word list holds (insults built from ordinary words, community coinages) and gives no
span, so it never masks: it flags, and the lexicon stays the explanation admins see. The model is a small JSON
file (n-gram → weight, bias, threshold) built by scripts/train_abuse_model.py from the MIT-licensed
2runo/Curse-detection-data (dev split only); scoring is pure Python, a set of n-grams and one sum.
"""

from __future__ import annotations

import json
import math
import unicodedata
from importlib import resources

import ahocorasick

MAX_N = 3


def words_text(text: str) -> str:
    """NFKC, lower case, words joined by single spaces and padded with one at each end."""
    return " " + " ".join(unicodedata.normalize("NFKC", text).lower().split()) + " "


def features(text: str) -> set[str]:
    """Character 1- to 3-grams of each word, padded with spaces at the word's edges (what training counts)."""
    out: set[str] = set()
    for word in words_text(text).split():
        padded = f" {word} "
        for n in range(1, MAX_N + 1):
            out.update(padded[i : i + n] for i in range(len(padded) - n + 1))
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

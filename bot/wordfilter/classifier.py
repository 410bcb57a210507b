"""A statistical second opinion on abusive Korean: character n-grams, words and word pairs with a linear model.

It sees abuse that no word list holds (insults built from ordinary words, community coinages) and gives no
span, so it never masks: it flags, and the lexicon stays the explanation admins see. The model is a small JSON
file built by scripts/train_abuse_model.py from 2runo/Curse-detection-data's dev split (MIT), K-MHaS's profanity
and clean rows and clean news sentences (both ShareAlike: the file is under CC BY-SA 4.0, see
abuse_model_ko.LICENSE.txt; the threshold chosen on out-of-fold 2runo dev scores): weights of the strongest n-grams of two views of the text —
the words as written, and each word's jamo skeleton (bot/wordfilter/normalise.py), where inserted digits and
symbols, loose jamo and repeated letters are already undone, so 시1발 and ㅅㅣ발 share the n-grams of 시발 —
a bias, a threshold and a calibration of the score to a probability. Scoring is one Aho-Corasick pass per view,
a set of n-grams and one sum.
"""

from __future__ import annotations

import json
import math
import unicodedata
from importlib import resources

import ahocorasick

from bot.wordfilter.normalise import SkeletonTable

MAX_N = 4  # character n-grams of each word as written, 1 to MAX_N long
# n-grams of each word's jamo skeleton, 4 to 7 jamo with the word's edges: shorter ones (" 조" of 좆) are parts
# of syllables that official words share (조례, 제3조) and made statutes look abusive on validation.
JAMO_N = (4, 7)


def words_text(text: str) -> str:
    """NFKC, lower case, words joined by single spaces and padded with one at each end."""
    return " " + " ".join(unicodedata.normalize("NFKC", text).lower().split()) + " "


def _padded_grams(words: list[str], low: int, high: int) -> set[str]:
    out: set[str] = set()
    for word in words:
        padded = f" {word} "
        for n in range(low, high + 1):
            out.update(padded[i : i + n] for i in range(len(padded) - n + 1))
    out.discard(" ")
    return out


def features(text: str, sizes: tuple[int, int] = (1, MAX_N)) -> set[str]:
    """What training counts in the written view: character n-grams (n in `sizes`; scoring finds whatever the
    model holds) of each word padded with spaces at its edges, and each word and each pair of neighbouring words, also padded (" 개 소리 "). Every feature is a
    substring of `words_text(text)`, and every substring of it that is a feature of some text is a feature of
    this one (a space inside a feature stands only at a word's edge), so scoring can find them all in one pass."""
    words = words_text(text).split()
    out = _padded_grams(words, *sizes)
    out.update(f" {first} {second} " for first, second in zip(words, words[1:]))
    return out


def jamo_text(text: str, table: SkeletonTable) -> str:
    """The jamo view: each word of `words_text(text)` as its skeleton, single spaces between and at the ends."""
    return " " + " ".join(table.skeleton_words(words_text(text)).split()) + " "


def jamo_features(text: str, table: SkeletonTable, sizes: tuple[int, int] = JAMO_N) -> set[str]:
    """The jamo view's features: n-grams (n in `sizes`, inclusive) of each skeleton word padded with spaces;
    like `features`, each is a substring of `jamo_text` with a space only at a word's edge. Scoring finds
    whatever n-grams the model holds, so `sizes` matters only to training."""
    return _padded_grams(jamo_text(text, table).split(), *sizes)


def scale(text: str) -> float:
    """Long texts must not add up: the sum is divided by the square root of the text's length."""
    return 1 / math.sqrt(len(words_text(text)))


def _automaton(grams: dict[str, float]) -> ahocorasick.Automaton | None:
    if not grams:
        return None
    automaton = ahocorasick.Automaton()
    for gram in grams:
        automaton.add_word(gram, gram)
    automaton.make_automaton()
    return automaton


class AbuseClassifier:
    """Scores with one Aho-Corasick pass over each view for the model's n-grams (a space inside an n-gram only
    ever stands at a word's edge, so each joined view holds exactly the n-grams its feature function counts)."""

    def __init__(
        self,
        weights: dict[str, float],
        bias: float,
        threshold: float,
        jamo_weights: dict[str, float] | None = None,
        calibration: tuple[float, float] = (1.0, 0.0),
    ):
        self._weights = weights
        self._jamo_weights = jamo_weights or {}
        self._bias = bias
        self.threshold = threshold
        self._calibration = calibration
        self._automaton = _automaton(weights)
        self._jamo_automaton = _automaton(self._jamo_weights)
        self._skeletons = SkeletonTable()

    @classmethod
    def builtin(cls) -> AbuseClassifier:
        text = resources.files("bot.wordfilter").joinpath("abuse_model_ko.json").read_text(encoding="utf-8")
        data = json.loads(text)
        slope, intercept = data.get("calibration", (1.0, 0.0))
        return cls(data["weights"], data["bias"], data["threshold"], data.get("jamo_weights"), (slope, intercept))

    def score(self, text: str) -> float:
        joined = words_text(text)
        total = 0.0
        if self._automaton is not None:
            total += sum(self._weights[gram] for gram in {gram for _, gram in self._automaton.iter(joined)})
        if self._jamo_automaton is not None:
            jamo = jamo_text(text, self._skeletons)
            total += sum(self._jamo_weights[gram] for gram in {gram for _, gram in self._jamo_automaton.iter(jamo)})
        return self._bias + total / math.sqrt(len(joined))

    def probability(self, text: str) -> float:
        """The score calibrated on out-of-fold validation scores (Platt): the share of such texts that were
        abusive in the training data, for admins' reports; decisions use the threshold."""
        slope, intercept = self._calibration
        return 1 / (1 + math.exp(-(slope * self.score(text) + intercept)))

    def is_abusive(self, text: str) -> bool:
        return self.score(text) >= self.threshold

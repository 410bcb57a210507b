"""Keeps keyword candidates that are nouns, with kiwipiepy. Only a cluster's few top candidate words
are analysed (never the complaints themselves), so the tokenizer's speed does not matter here. Its
model loads once per process on first use (about 1 s without the typo and multi-word dictionaries); loading
it in a background thread does not help, as the load holds the GIL."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence

_NOUNISH = {"NNG", "NNP", "NNB", "SL", "SN", "XPN", "XSN"}
_CORE = {"NNG", "NNP", "SL"}
_CONTENT = {"NNG", "NNP", "XR", "VV", "VA", "SL"}


class KiwiNouns:
    def __init__(self) -> None:
        self._kiwi = None
        self._lock = threading.Lock()

    def _tokenizer(self):
        with self._lock:
            if self._kiwi is None:
                from kiwipiepy import Kiwi

                kiwi = Kiwi(
                    load_typo_dict=False, load_multi_dict=False
                )  # single words need neither: loads in 1 s instead of 3.5
                kiwi.tokenize("민원 정리 준비")  # the first analysis initialises the model (about a second)
                self._kiwi = kiwi
            return self._kiwi

    def __call__(self, words: Iterable[str]) -> dict[str, str | None]:
        """word → the noun it is (particles dropped), or None when it is a verb, ending or adverb."""
        kiwi = self._tokenizer()
        result: dict[str, str | None] = {}
        words = list(dict.fromkeys(words))
        for word, tokens in zip(
            words, kiwi.tokenize(words) if words else []
        ):  # one batch call: far cheaper than one per word
            tokens = list(tokens)
            while tokens and tokens[-1].tag.startswith("J"):
                tokens = tokens[:-1]
            if tokens and all(t.tag in _NOUNISH for t in tokens) and any(t.tag in _CORE for t in tokens):
                noun = word[: tokens[-1].end]
                result[word] = noun if len(noun) >= 2 else None
            else:
                result[word] = None
        return result

    def morphemes(self, texts: Sequence[str]) -> list[str]:
        """Each text as its content morphemes (nouns, roots, verb and adjective stems, Latin words),
        space-separated: "킥보드가 세워져" and "킥보드를 세웠" read the same."""
        kiwi = self._tokenizer()
        return [
            " ".join(t.form for t in tokens if t.tag in _CONTENT and (len(t.form) >= 2 or t.tag != "SL"))
            for tokens in kiwi.tokenize(list(texts))
        ]

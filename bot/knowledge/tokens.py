"""Morpheme tokens for BM25: content morphemes from kiwipiepy, with the office thesaurus applied.

Officials type 플래카드, 당, 민원법; statutes say 현수막, 정당, 민원 처리에 관한 법률. The thesaurus
rewrites the query's words to the statute's before tokenising, and maps single tokens too (so 당 → 정당
without touching 해당 or 당장). The Kiwi model loads once per process on first use (about a second).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping, Sequence

from bot.knowledge.acts import named_acts

# nouns, verb/adjective stems, roots, foreign words, numbers, hanja: what a passage is about
_CONTENT = {"NNG", "NNP", "NR", "VV", "VA", "XR", "SL", "SN", "SH", "MAG"}
# words of asking, not of the subject ("근거 조항이 뭐야?"): dropped from queries only
_QUERY_STOP = {
    "근거",
    "조항",
    "조문",
    "규정",
    "법령",
    "법",
    "궁금하",
    "어떻게",
    "가능",
    "안",
    "좀",
    "꼭",
    "참고",
    "알리",
    "뭐",
    "맞",
    "같",
    "되",
}
# tags that make up a compound noun, and the middle dots that join its parts ("시ㆍ도당")
_NOUNS = {"NNG", "NNP", "XR"}
_JOINERS = {"ㆍ", "·"}
BIGRAM = "~"  # marks a character-bigram token (its own BM25 field)
_STOP = {"하", "되", "있", "없", "것", "수", "등", "및", "이", "그", "받", "때", "경우", "해당", "따르", "관하", "대하"}


class Thesaurus:
    """Office words → statute words. Multi-character entries are replaced in the text (longest first);
    every entry also maps a whole token, so a one-syllable word like 당 only changes when it stands alone."""

    def __init__(self, entries: Mapping[str, str | Sequence[str]] | None = None) -> None:
        pairs: dict[str, str] = {}
        for key, value in (entries or {}).items():
            # app.yaml may say either "canonical: [variants]" or "variant: canonical"
            if isinstance(value, str):
                pairs[key.strip()] = value.strip()
            else:
                for variant in value:
                    pairs[str(variant).strip()] = key.strip()
        self.pairs = {k: v for k, v in pairs.items() if k and v and k != v}
        # The statute's own words are matched too (and kept): "옥외광고물" must not have its "옥외광고"
        # rewritten into "옥외광고물물" just because "옥외광고" is an official's word for it.
        canonical = {v for v in self.pairs.values() if len(v) >= 2}
        long = sorted({*(k for k in self.pairs if len(k) >= 2), *canonical}, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(k) for k in long)) if long else None

    def rewrite(self, text: str) -> str:
        """`text` with office words replaced; each replacement ends in a comma so the morpheme analyser does
        not read it into the next word ("공무원이 아닌 자 여비" must not become "…자이여 비")."""
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: f" {self.pairs.get(m.group(0), m.group(0))}, ", text)

    def token(self, token: str) -> str:
        return self.pairs.get(token, token)

    def acts(self, text: str) -> list[str]:
        """The act names `text` mentions, each alias replaced by the title it stands for (민원법 → 민원 처리에
        관한 법률), so they can be compared with the collections' document titles."""
        return [self.pairs.get(name, name) for name in named_acts(text)]


class Tokenizer:
    """Text → content morphemes (lemmas). Thread-safe lazy model; pure apart from loading it."""

    def __init__(self, thesaurus: Thesaurus | None = None) -> None:
        self.thesaurus = thesaurus or Thesaurus()
        self._kiwi = None
        self._lock = threading.Lock()

    def _model(self):
        with self._lock:
            if self._kiwi is None:
                from kiwipiepy import Kiwi

                kiwi = Kiwi(load_typo_dict=False, load_multi_dict=False)
                kiwi.tokenize("정당 현수막")
                self._kiwi = kiwi
            return self._kiwi

    def tokens(self, text: str, *, query: bool = False) -> list[str]:
        """Content morphemes of `text`; a query is rewritten with the thesaurus first."""
        return self.many([text], query=query)[0]

    def many(self, texts: Iterable[str], *, query: bool = False) -> list[list[str]]:
        """Content morphemes of each text, followed by the character bigrams of its compound nouns
        (prefixed with BIGRAM)."""
        texts = [self.thesaurus.rewrite(t) if query else t for t in texts]
        if not texts:
            return []
        kiwi = self._model()
        result: list[list[str]] = []
        for analysed in kiwi.tokenize(texts):
            words: list[str] = []
            compounds: list[str] = []
            run, run_end = "", -1
            for token in analysed:
                if token.tag in _NOUNS:
                    # nouns written together form one compound: "관용차" ~ "관용 차량", "시도당" ~ "시ㆍ도당"
                    if run and token.start != run_end:
                        compounds.append(run)
                        run = ""
                    # a query's single-token synonym counts in its compound too: 당 → 정당 gives "~정당"
                    form = self.thesaurus.token(token.form) if query else token.form
                    run, run_end = run + form.replace(" ", ""), token.start + token.len
                elif run and token.form in _JOINERS and token.start == run_end:
                    run_end = token.start + token.len
                elif run:
                    compounds.append(run)
                    run, run_end = "", -1
                if token.tag not in _CONTENT:
                    continue
                form = token.form.lower() if token.tag == "SL" else token.form
                if query:
                    form = self.thesaurus.token(form)
                if form in _STOP or (query and form in _QUERY_STOP):
                    continue
                words.extend(form.split())
            if run:
                compounds.append(run)
            if query:  # "근거 조항이 뭐야": words of asking make no bigrams either
                compounds = [c for c in compounds if c not in _QUERY_STOP and c not in _STOP]
            words.extend(bigrams(compounds))
            result.append(words)
        return result


def bigrams(compounds: Iterable[str]) -> list[str]:
    """Character bigrams of Korean compound nouns: they match a compound however it is split or shortened."""
    found: list[str] = []
    for word in compounds:
        found.extend(BIGRAM + word[i : i + 2] for i in range(len(word) - 1))
    return found

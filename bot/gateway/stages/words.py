"""Prohibited words: a request containing one is refused with a message naming the policy (never
the word); words in a model's answer are covered."""

from __future__ import annotations

from pathlib import Path

from bot.config import AppConfig
from bot.gateway.errors import PolicyBlocked
from bot.gateway.pipeline import Next
from bot.gateway.stream import ReplyStream
from bot.gateway.types import GatewayCall
from bot.i18n import ko_en
from bot.spans import apply_spans
from bot.wordfilter import WordMatcher

COVER = "○○"


def office_words(config: AppConfig, base: Path | None = None) -> list[str]:
    words = list(config.filters.prohibited_words)
    path = config.filters.prohibited_words_file
    if path is not None:
        full = path if path.is_absolute() or base is None else base / path
        words += [
            line.strip()
            for line in full.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        ]
    return words


class WordStream:
    """Covers prohibited words in streamed text, holding back a tail so a word split across pieces is seen."""

    HOLD = 24

    def __init__(self, matcher: WordMatcher, on_hit):
        self._matcher = matcher
        self._on_hit = on_hit
        self._pending = ""

    def _cover(self, text: str, limit: int) -> tuple[str, int]:
        hits = self._matcher.find(text)
        cut = limit
        for hit in hits:
            if hit.start < cut < hit.end:
                cut = hit.start

        def cover(_: None) -> str:
            self._on_hit()
            return COVER

        # By start, the shortest first at one start; a hit inside one already covered is skipped.
        spans = sorted((h.start, h.end) for h in hits if h.end <= cut)
        return apply_spans(text[:cut], ((start, end, None) for start, end in spans), cover), cut

    def feed(self, text: str) -> str:
        self._pending += text
        if len(self._pending) < 2 * self.HOLD:
            return ""
        out, cut = self._cover(self._pending, len(self._pending) - self.HOLD)
        self._pending = self._pending[cut:]
        return out

    def flush(self) -> str:
        out, _ = self._cover(self._pending, len(self._pending))
        self._pending = ""
        return out


class BlockProhibitedWords:
    name = "words"

    def __init__(self, config: AppConfig, base_dir: Path | None = None):
        self._config = config
        filters = config.filters
        self._office = office_words(config, base_dir)
        self._matchers: dict[str, WordMatcher] = {}
        self._builtin = filters.builtin_prohibited_words
        self._allow = filters.allow_words

    def matcher(self, department_id: str) -> WordMatcher:
        """Office and department lists together; built once per department."""
        if department_id not in self._matchers:
            department = self._config.department(department_id)
            extra = self._office + (department.prohibited_words if department else [])
            self._matchers[department_id] = WordMatcher.from_lists(
                builtin=self._builtin, extra=extra, allow=self._allow
            )
        return self._matchers[department_id]

    async def __call__(self, call: GatewayCall, next: Next) -> ReplyStream:
        matcher = self.matcher(call.request.department_id)
        hits = sum(len(matcher.find(m.content)) for m in call.request.messages)
        if hits:
            call.findings["prohibited_word"] += hits
            raise PolicyBlocked(*ko_en("gateway_words_blocked"))
        reply = await next(call)

        def count() -> None:
            call.findings["output_prohibited_word"] += 1

        reply.add_filter(WordStream(matcher, count))
        return reply

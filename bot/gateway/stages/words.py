"""Prohibited words, by the department's policy (bot/wordfilter/policy.py): the official's own words are
blocked (refused with a message naming the policy, never the word), masked (○○ before the model sees them,
and the reply says so) or passed with a warning count; text quoted from a citizen (bot/wordfilter/quotes.py,
attachments, complaint triage input) is masked by default, never refused. Findings are counted by category
for the audit, never the words. Words in a model's answer are covered (or only counted, under `warn`)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.config import AppConfig
from bot.gateway.errors import PolicyBlocked
from bot.gateway.pipeline import Next
from bot.gateway.stream import ReplyStream, whole
from bot.gateway.types import GatewayCall
from bot.i18n import both, ko_en
from bot.spans import apply_spans
from bot.wordfilter import WordHit, WordMatcher
from bot.wordfilter.classifier import AbuseClassifier
from bot.wordfilter.policy import WordPolicy, word_policy
from bot.wordfilter.quotes import inside, quoted_spans

COVER = "○○"
# Calls whose reply a person reads: they get the note that words were masked. Skills that parse the model's
# answer (complaint triage's JSON) do not.
NOTE_PURPOSES = frozenset({"chat", "api", "knowledge"})


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

    def __init__(self, matcher: WordMatcher, on_hit, *, cover: bool = True, min_severity: int = 1):
        self._matcher = matcher
        self._on_hit = on_hit
        self._pending = ""
        self._covers = cover
        self._min_severity = min_severity

    def _cover(self, text: str, limit: int) -> tuple[str, int]:
        hits = [h for h in self._matcher.find(text) if h.severity >= self._min_severity]
        cut = limit
        for hit in hits:
            if hit.start < cut < hit.end:
                cut = hit.start

        def cover(hit: WordHit) -> str:
            self._on_hit(hit)
            return COVER if self._covers else text[hit.start : hit.end]

        # By start, the shortest first at one start; a hit inside one already covered is skipped.
        spans = sorted(((h.start, h.end, h) for h in hits if h.end <= cut), key=lambda span: span[:2])
        return apply_spans(text[:cut], spans, cover), cut

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


class Note:
    """Puts one sentence before the reply's first text (the masking note)."""

    def __init__(self, text: str):
        self._text: str | None = text

    def _once(self, text: str) -> str:
        if self._text is None:
            return text
        out, self._text = self._text + text, None
        return out

    def feed(self, text: str) -> str:
        return self._once(text) if text else ""

    def flush(self) -> str:
        return self._once("")


def _action(hit: WordHit, message_role: str, quoted: list[tuple[int, int]], triage: bool, policy: WordPolicy) -> str:
    if message_role == "tool":  # a tool's result quotes the data it was given: masked like a citizen's words
        return policy.quoted_action
    citizen = message_role == "user" and (triage or inside(quoted, hit.start, hit.end))
    return policy.quoted_action if citizen else policy.action


class BlockProhibitedWords:
    name = "words"

    def __init__(self, config: AppConfig, base_dir: Path | None = None):
        self._config = config
        filters = config.filters
        self._office = office_words(config, base_dir)
        self._matchers: dict[str, WordMatcher] = {}
        self._builtin = filters.builtin_prohibited_words
        self._allow = filters.allow_words
        self._classifier: AbuseClassifier | None = None

    def matcher(self, department_id: str) -> WordMatcher:
        """The department's built-in categories with the office's and department's own words; built once."""
        if department_id not in self._matchers:
            department = self._config.department(department_id)
            policy = word_policy(self._config, department_id)
            extra = self._office + (department.prohibited_words if department else [])
            self._matchers[department_id] = WordMatcher.from_lists(
                builtin=self._builtin, extra=extra, allow=self._allow, categories=policy.categories
            )
        return self._matchers[department_id]

    async def __call__(self, call: GatewayCall, next: Next) -> ReplyStream:
        request = call.request
        policy = word_policy(self._config, request.department_id, request.assistant_id)
        matcher = self.matcher(request.department_id)
        # complaint text and passages sent for embedding are quoted text: masked, never a reason to refuse
        triage = request.purpose == "triage" or call.kind == "embeddings"
        blocked = masked = 0
        last_user = max((i for i, m in enumerate(request.messages) if m.role == "user"), default=-1)
        messages = []
        for index, message in enumerate(request.messages):
            hits = [h for h in matcher.find(message.content) if h.severity >= policy.min_severity]
            if not hits:
                if policy.classifier and message.role == "user" and not triage:
                    if self._classifier is None:
                        self._classifier = AbuseClassifier.builtin()
                    if self._classifier.is_abusive(message.content):
                        call.findings["abuse_suspected"] += 1  # counted for admins; no span to mask, nothing refused
                messages.append(message)
                continue
            quoted = quoted_spans(message.content) if message.role == "user" and not triage else []
            to_mask = []
            for hit in hits:
                action = _action(hit, message.role, quoted, triage, policy)
                call.findings["prohibited_word"] += 1
                call.findings[f"prohibited_word_{hit.category}"] += 1
                call.findings[f"prohibited_word_{action}"] += 1
                if action == "block":
                    blocked += 1
                elif action == "mask":
                    to_mask.append(hit)
            if to_mask:
                if index == last_user:
                    masked += len(to_mask)  # the note speaks of this message; earlier turns were noted then
                spans = sorted((h.start, h.end, None) for h in to_mask)
                message = replace(message, content=apply_spans(message.content, spans, lambda _: COVER))
            messages.append(message)
        if blocked:
            raise PolicyBlocked(*ko_en("gateway_words_blocked"))
        request.messages = messages  # the model never receives a masked word
        if call.findings["prohibited_word_mask"]:
            call.decision = "masked"
        reply = await next(call)

        def count(hit: WordHit) -> None:
            call.findings["output_prohibited_word"] += 1
            call.findings[f"output_prohibited_word_{hit.category}"] += 1

        reply.add_filter(WordStream(matcher, count, cover=policy.action != "warn", min_severity=policy.min_severity))
        reply.add_call_filter(
            whole(lambda: WordStream(matcher, count, cover=policy.action != "warn", min_severity=policy.min_severity))
        )
        if masked and request.purpose in NOTE_PURPOSES:
            reply.add_filter(Note(both("gateway_words_masked", count=masked) + "\n\n"))
        return reply

"""The offline engine: the embedded default provider when no model is connected.

It never pretends to generate. It extracts the key sentences of a pasted text when asked to
summarise, and otherwise says plainly that no generative model is connected and how to connect one.
Its replies go through the same gateway stages and are audited like any other; summaries are counted,
the "cannot write" reply is not (zero usage: nothing was produced for the department).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

from bot.gateway.errors import ProviderError
from bot.gateway.stream import estimate_tokens
from bot.gateway.types import Finished, GatewayCall, StreamEvent, TextDelta, Usage
from bot.i18n import t
from bot.offline.summarise import split_sentences, summarise

_SUMMARY_ASK = re.compile(r"요약|줄여|핵심|정리해|summari[sz]e|summary|tl;?dr", re.IGNORECASE)
MODEL_NAME = "offline-extractive"


def text_to_summarise(message: str) -> str | None:
    """The pasted text when the message asks for a summary, else None."""
    head, _, rest = message.partition("\n")
    if _SUMMARY_ASK.search(head) and rest.strip():
        return rest
    before, colon, after = message.partition(":")
    if colon and _SUMMARY_ASK.search(before) and after.strip():
        return after
    if _SUMMARY_ASK.search(message) and len(split_sentences(message)) >= 4:
        return message
    return None


def offline_answer(message: str, locale: str) -> str:
    body = text_to_summarise(message)
    if body is None:
        return t("offline_no_model", locale)
    chosen = summarise(body, max_sentences=3)
    if len(split_sentences(body)) < 3:
        return t("offline_summary_too_short", locale)
    lines = [t("offline_summary_head", locale, count=len(chosen)), ""]
    lines += [f"- {sentence}" for sentence in chosen]
    return "\n".join(lines)


class OfflineEngine:
    id = "offline"
    max_retries = 0

    def __init__(self, locale: str = "ko"):
        self._locale = locale

    async def open(self, model: str, call: GatewayCall) -> AsyncIterator[StreamEvent]:
        if call.kind == "embeddings":  # no vectors offline: the caller (knowledge search) stays lexical
            raise ProviderError(self.id, model, "no embeddings offline", retryable=False)
        return self._answer(call)

    async def _answer(self, call: GatewayCall) -> AsyncIterator[StreamEvent]:
        last_user = next((m.content for m in reversed(call.request.messages) if m.role == "user"), "")
        text = offline_answer(last_user, self._locale)
        yield TextDelta(text)
        if text_to_summarise(last_user) is None:
            # "Cannot write this offline" did no work for the department: zero usage, which the quota and
            # usage stages take as "nothing to bill" (it is still audited).
            yield Finished(Usage(0, 0), self.id, MODEL_NAME, "stop")
            return
        prompt = sum(estimate_tokens(m.content) for m in call.request.messages)
        yield Finished(Usage(prompt, estimate_tokens(text), estimated=True), self.id, MODEL_NAME, "stop")

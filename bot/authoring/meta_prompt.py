"""The meta-prompt that turns a creator's four answers into a system prompt draft, and the parsing of
what comes back. Pure functions: the dialogue sends the messages through the gateway."""

from __future__ import annotations

import re

from assistants.spec import Example
from bot.gateway.types import ChatMessage
from bot.i18n import t


def draft_messages(
    *, name: str, purpose: str, example: str, audience: str, department: str, organisation: str, locale: str
) -> list[ChatMessage]:
    """The messages asking a model for a system prompt draft."""
    facts = [
        f"기관: {organisation}",
        f"부서: {department}",
        # "도우미 명칭", not "이름:", which the name detector rightly reads as a person's name label.
        f"도우미 명칭: {name}",
        f"하는 일: {purpose}",
        f"사용 대상: {audience}",
        f"좋은 답변의 예: {example or '(없음)'}",
    ]
    return [ChatMessage("system", t("authoring_meta_prompt", locale)), ChatMessage("user", "\n".join(facts))]


_FENCE = re.compile(r"^```[a-zA-Z]*\s*\n(?P<body>.*?)\n```\s*$", re.DOTALL)
_LABEL = re.compile(r"^(?:시스템 프롬프트|프롬프트|system prompt)\s*[:：]\s*", re.IGNORECASE)


def clean_draft(text: str) -> str:
    """The prompt without a surrounding code fence or a leading "프롬프트:" label."""
    stripped = text.strip()
    fenced = _FENCE.match(stripped)
    if fenced:
        stripped = fenced.group("body").strip()
    return _LABEL.sub("", stripped, count=1).strip()


_QA = re.compile(
    r"^\s*(?:질문|Q)\s*[:：]\s*(?P<q>.+?)\s*^\s*(?:답변|답|A)\s*[:：]\s*(?P<a>.+)\Z",
    re.DOTALL | re.MULTILINE | re.IGNORECASE,
)


def parse_example(text: str) -> Example | None:
    """A few-shot pair from "질문: … / 답변: …" lines; None when the text is not in that form."""
    match = _QA.match(text.strip())
    if not match:
        return None
    return Example(question=match.group("q").strip(), answer=match.group("a").strip())

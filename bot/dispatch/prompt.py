"""Turns an assistant spec and a thread into the messages a model receives, and a templated answer
back into named sections. Pure functions."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistants.spec import AssistantSpec
from bot.conversation import Section
from bot.gateway.types import ChatMessage


def system_prompt(spec: AssistantSpec, locale: str = "ko") -> str:
    parts = [spec.system_prompt.strip()]
    if spec.style_guide.strip():
        heading = "Style guide" if locale == "en" else "문체·표현 지침"
        parts.append(f"## {heading}\n{spec.style_guide.strip()}")
    if spec.template:
        lines = [f"- ## {s.heading}" + (f" — {s.guidance}" if s.guidance else "") for s in spec.template]
        if locale == "en":
            intro = "Write the answer in exactly these sections, in this order, each starting with a '## heading' line:"
        else:
            intro = "답변은 반드시 다음 절을 이 순서대로, 각 절을 '## 제목' 줄로 시작해 작성하세요:"
        parts.append(intro + "\n" + "\n".join(lines))
    return "\n\n".join(parts)


def build_messages(
    spec: AssistantSpec, history: Sequence[ChatMessage], user_text: str, locale: str = "ko"
) -> list[ChatMessage]:
    messages = [ChatMessage("system", system_prompt(spec, locale))]
    for example in spec.examples:
        messages.append(ChatMessage("user", example.question))
        messages.append(ChatMessage("assistant", example.answer))
    messages.extend(history)
    messages.append(ChatMessage("user", user_text))
    return messages


_HEADING = re.compile(r"^\s{0,3}(?:#{1,4}\s*|\*\*)(?P<title>[^*#\n]+?)(?:\*\*)?\s*:?\s*$")


def split_sections(text: str, headings: Sequence[str]) -> list[Section] | None:
    """The answer's sections when it follows the template's headings (at least half of them), else None."""
    wanted = {"".join(h.split()): h for h in headings}
    sections: list[Section] = []
    current: str | None = None
    body: list[str] = []
    for line in text.splitlines():
        match = _HEADING.match(line)
        key = "".join(match.group("title").split()) if match else None
        if key in wanted:
            if current is not None:
                sections.append(Section(current, "\n".join(body).strip()))
            current, body = wanted[key], []
        elif current is not None:
            body.append(line)
    if current is not None:
        sections.append(Section(current, "\n".join(body).strip()))
    return sections if len(sections) * 2 >= len(headings) and sections else None

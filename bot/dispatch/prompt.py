"""Turns an assistant spec and a thread into the messages a model receives, and a templated answer
back into named sections. Pure functions."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistants.spec import AssistantSpec
from bot.conversation import Section
from bot.gateway.types import ChatMessage
from bot.i18n import t


def system_prompt(spec: AssistantSpec, locale: str = "ko") -> str:
    parts = [spec.system_prompt.strip()]
    if spec.style_guide.strip():
        heading = t("prompt_style_guide", locale)
        parts.append(f"## {heading}\n{spec.style_guide.strip()}")
    if spec.template:
        lines = [f"- ## {s.heading}" + (f" — {s.guidance}" if s.guidance else "") for s in spec.template]
        intro = t("prompt_template_intro", locale)
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

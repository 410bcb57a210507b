"""Turns an assistant spec and a thread into the messages a model receives, and a templated answer
back into named sections. Pure functions."""

from __future__ import annotations

from collections.abc import Sequence

from assistants.spec import AssistantSpec
from bot.conversation import Section
from bot.gateway.types import ChatMessage
from bot.i18n import t
from bot.markdown import parse, sections


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


def split_sections(text: str, headings: Sequence[str]) -> list[Section] | None:
    """The answer's sections when it follows the template's headings (at least half of them), else None.
    Each section carries its part of the one parse (`bot.markdown.sections`)."""
    found = sections.split(parse(text), headings)
    return None if found is None else [Section(s.heading, s.body, s.document) for s in found]

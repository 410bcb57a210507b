"""Which assistant answers: the one a message names, or the default for its channel and department."""

from __future__ import annotations

from assistants.naming import split_named
from assistants.registry import AssistantRegistry
from assistants.spec import AssistantSpec
from bot.config import AppConfig, Department


async def default_assistant(
    config: AppConfig, registry: AssistantRegistry, department: Department, platform: str = "", channel_id: str = ""
) -> AssistantSpec:
    """The channel's department default, then the user's department default, then the office default."""
    candidates = []
    for other in config.departments:
        if channel_id and channel_id in getattr(other.channels, platform, []):
            candidates.append(other.default_assistant)
    candidates += [department.default_assistant, config.default_assistant]
    for assistant_id in filter(None, candidates):
        spec = await registry.get(assistant_id, department.id)
        if spec is not None and not spec.disabled:
            return spec
    visible = [s for s in await registry.visible(department.id) if not s.disabled]
    if not visible:
        raise RuntimeError("no assistant is visible to department " + department.id)
    return visible[0]


async def named_assistant(
    registry: AssistantRegistry, department_id: str, text: str
) -> tuple[AssistantSpec | None, str]:
    """The assistant a message names ("@보도자료 …" or "보도자료: …") and the rest of the text."""
    if text.startswith("@"):
        named = split_named(text[1:], [(spec, spec) for spec in await registry.visible(department_id)])
        if named is not None:
            return named[1], named[2]
    head, colon, rest = text.partition(":")
    if colon and 0 < len(head) <= 20 and "\n" not in head:
        spec = await registry.find(head, department_id)
        if spec is not None:
            return spec, rest.strip()
    return None, text

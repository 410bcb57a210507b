"""Every skill govbot ships, in one place: the runtime builds each from this list (with the dependencies it
asks for), collects the button verbs and slash commands each declares, and app.yaml's model gets each skill's
own section from it. Adding a skill is adding its entry here (and naming it in an assistant's `skills:`), not
editing the runtime, the dispatcher or bot/config.py."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from assistants.skills.base import Skill
from assistants.skills.committees.skill import CommitteeSkill
from assistants.skills.complaints import ComplaintTriageSkill
from assistants.skills.knowledge import KnowledgeSkill, build_knowledge_skill
from assistants.skills.meals.skill import MealSkill
from assistants.tools.registry import TOOLS, tool_names
from bot.config import AppConfig, load_config, parse_config, with_sections
from bot.conversation import ChannelPoster
from bot.documents import DocumentWorker
from bot.gateway.pipeline import Gateway
from bot.store import Store

if TYPE_CHECKING:
    from bot.dispatch.commands import Command
    from bot.dispatch.dispatcher import ActionHandler


@dataclass(frozen=True)
class SkillDeps:
    """What a skill may be built with; each skill's factory takes what it needs. `posters`: platform ->
    ChannelPoster (filled by the messenger adapters as they mount); `documents`: the runtime's shared pool of
    document-reading worker processes."""

    config: AppConfig
    store: Store
    posters: Mapping[str, ChannelPoster]
    documents: DocumentWorker
    gateway: Gateway | None = None  # this process's: for work resumed here that another process started


@dataclass(frozen=True)
class SkillEntry:
    """One skill: its name (what assistants list in `skills:`), how to build it, and its app.yaml section with
    that section's model (None for a skill without settings of its own)."""

    name: str
    build: Callable[[SkillDeps], Skill]
    section: str | None = None
    settings_model: type[BaseModel] | None = None


def _complaint_triage(deps: SkillDeps) -> Skill:
    return ComplaintTriageSkill(
        deps.config,
        posters=deps.posters,
        documents=deps.documents,
        shared=deps.store.shared,
        volatile=deps.store.volatile,
        gateway=deps.gateway,
    )


def _knowledge(deps: SkillDeps) -> Skill:
    return build_knowledge_skill(deps.config, deps.store)


def _meals(deps: SkillDeps) -> Skill:
    return MealSkill(deps.config, deps.documents)


def _committees(deps: SkillDeps) -> Skill:
    return CommitteeSkill(deps.config, deps.documents)


SKILLS: tuple[SkillEntry, ...] = (
    SkillEntry(
        ComplaintTriageSkill.name,
        _complaint_triage,
        ComplaintTriageSkill.section,
        ComplaintTriageSkill.settings_model,
    ),
    SkillEntry(KnowledgeSkill.name, _knowledge),  # its settings are app.yaml's core `knowledge` section
    # Work tools reached through their commands (/식비, /위원회 점검) and, once registered, model tool calls.
    SkillEntry(MealSkill.name, _meals, MealSkill.section, MealSkill.settings_model),
    SkillEntry(CommitteeSkill.name, _committees, CommitteeSkill.section, CommitteeSkill.settings_model),
)

# app.yaml as a whole: the core sections plus every skill's and every tool's own.
OfficeConfig: type[AppConfig] = with_sections(
    {skill.section: skill.settings_model for skill in SKILLS if skill.section and skill.settings_model}
    | {tool.section: tool.settings_model for tool in TOOLS if tool.section and tool.settings_model}
)


def parse_office_config(text: str, source: str = "app.yaml") -> AppConfig:
    """app.yaml text with every skill's section (errors name their YAML path; see bot.config.parse_config), its
    assistants' `tools:` checked against the registered tools."""
    return parse_config(text, source, OfficeConfig, tool_names())


def load_office_config(path: Path) -> AppConfig:
    """app.yaml at `path` with every skill's section, its assistants' `tools:` checked against the registered
    tools (an unknown name is refused at start-up and by `govbot check-config`, not silently dropped)."""
    return load_config(path, OfficeConfig, tool_names())


def skill_names() -> tuple[str, ...]:
    """The names an assistant may list in `skills:` (nothing is built)."""
    return tuple(skill.name for skill in SKILLS)


def build_skills(deps: SkillDeps) -> dict[str, Skill]:
    """Every skill, by name, built once with the runtime's dependencies."""
    return {entry.name: entry.build(deps) for entry in SKILLS}


def skill_actions(skills: Mapping[str, Skill]) -> dict[str, ActionHandler]:
    """The button verbs the skills handle (e.g. complaint_forward), verb -> handler."""
    actions: dict[str, Any] = {}
    for skill in skills.values():
        declared = getattr(skill, "actions", None)  # optional: only skills with buttons have it
        if declared is not None:
            actions.update(declared())
    return actions


def skill_commands(skills: Mapping[str, Skill]) -> list[Command]:
    """The slash commands the skills bring (e.g. /search of the knowledge skill), in the skills' order."""
    commands: list[Command] = []
    for skill in skills.values():
        declared = getattr(skill, "commands", None)  # optional: only skills with commands have it
        if declared is not None:
            commands.extend(declared())
    return commands

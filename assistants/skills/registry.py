"""Every skill govbot ships, in one place: the runtime builds each from this list and app.yaml's model gets
each skill's own section from it, so adding a skill is adding its class here (and naming it in an
assistant's `skills:`), not editing the runtime or bot/config.py."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel

from assistants.skills.base import Skill
from assistants.skills.complaints import ComplaintTriageSkill
from bot.config import AppConfig, load_config, parse_config, with_sections
from bot.conversation import ChannelPoster
from bot.documents import DocumentWorker

if TYPE_CHECKING:
    from bot.dispatch.dispatcher import ActionHandler


class SkillClass(Protocol):
    """A skill's class: its name, its app.yaml section and that section's model, and a constructor taking
    the office's config (the skill reads its section from it), the channel posters and the shared pool of
    document-reading worker processes."""

    # Read-only (properties): a skill's class declares them as class attributes of narrower types.
    @property
    def name(self) -> str: ...

    @property
    def section(self) -> str: ...

    @property
    def settings_model(self) -> type[BaseModel]: ...

    def __call__(
        self, config: AppConfig, *, posters: Mapping[str, ChannelPoster], documents: DocumentWorker | None
    ) -> Skill: ...


SKILLS: tuple[SkillClass, ...] = (ComplaintTriageSkill,)

# app.yaml as a whole: the core sections plus every skill's own.
OfficeConfig: type[AppConfig] = with_sections({skill.section: skill.settings_model for skill in SKILLS})


def parse_office_config(text: str, source: str = "app.yaml") -> AppConfig:
    """app.yaml text with every skill's section (errors name their YAML path; see bot.config.parse_config)."""
    return parse_config(text, source, OfficeConfig)


def load_office_config(path: Path) -> AppConfig:
    """app.yaml at `path` with every skill's section."""
    return load_config(path, OfficeConfig)


def build_skills(
    config: AppConfig, posters: Mapping[str, ChannelPoster] | None = None, documents: DocumentWorker | None = None
) -> dict[str, Skill]:
    """Skills assistants may enable, by name (`documents`: the runtime's pool; None gives each its own)."""
    built = [skill(config, posters=posters if posters is not None else {}, documents=documents) for skill in SKILLS]
    return {skill.name: skill for skill in built}


def skill_actions(skills: Mapping[str, Skill]) -> dict[str, ActionHandler]:
    """The button verbs the skills handle (e.g. complaint_forward), verb -> handler."""
    actions: dict[str, Any] = {}
    for skill in skills.values():
        declared = getattr(skill, "actions", None)  # optional: only skills with buttons have it
        if declared is not None:
            actions.update(declared())
    return actions

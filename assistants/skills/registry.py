"""Every skill govbot ships, in one place: the runtime builds each from this list, so adding a skill is
adding its class here (and naming it in an assistant's `skills:`), not editing the runtime."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from assistants.skills.base import Skill
from assistants.skills.complaints import ComplaintTriageSkill
from bot.config import AppConfig
from bot.conversation import ChannelPoster

if TYPE_CHECKING:
    from bot.dispatch.dispatcher import ActionHandler


class SkillClass(Protocol):
    """A skill's class: its name, and a constructor taking the office's config and the channel posters."""

    name: str

    def __call__(self, config: AppConfig, posters: Mapping[str, ChannelPoster]) -> Skill: ...


SKILLS: tuple[SkillClass, ...] = (ComplaintTriageSkill,)


def build_skills(config: AppConfig, posters: Mapping[str, ChannelPoster] | None = None) -> dict[str, Skill]:
    """Skills assistants may enable, by name."""
    built = [skill(config, posters if posters is not None else {}) for skill in SKILLS]
    return {skill.name: skill for skill in built}


def skill_actions(skills: Mapping[str, Skill]) -> dict[str, ActionHandler]:
    """The button verbs the skills handle (e.g. complaint_forward), verb -> handler."""
    actions: dict[str, Any] = {}
    for skill in skills.values():
        declared = getattr(skill, "actions", None)  # optional: only skills with buttons have it
        if declared is not None:
            actions.update(declared())
    return actions

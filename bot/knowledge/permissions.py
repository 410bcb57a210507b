"""Who may change a knowledge collection, asked the same way by `/knowledge` in chat and `govbot knowledge` on the CLI.

A department's collection belongs to that department: its editors and admins add files, its admins remove them.
An office-wide collection belongs to everybody, so only the office admins (app.yaml `organisation.admins`) change it.
Roles are the effective ones (bot/roles.py), already decided for the department in question by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.config import AppConfig
from bot.roles import EDITOR_ROLES
from bot.store.knowledge_repository import OFFICE

Action = Literal["add", "remove"]


@dataclass(frozen=True, slots=True)
class Actor:
    """An official acting on a collection: their department and their effective role in it."""

    user_id: str
    department_id: str | None
    role: str


def is_office_admin(config: AppConfig, user_id: str) -> bool:
    return user_id in config.organisation.admins


def may_change(config: AppConfig, actor: Actor, owner: str, action: Action) -> bool:
    """May `actor` add to (or remove) the collection owned by `owner` (OFFICE for an office-wide one)?"""
    if owner == OFFICE:
        return is_office_admin(config, actor.user_id)
    if actor.department_id != owner:
        return False
    return actor.role == "admin" if action == "remove" else actor.role in EDITOR_ROLES

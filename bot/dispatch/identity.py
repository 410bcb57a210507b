"""Who is asking: a platform user → an official in a department, with a role.

Pure lookup over app.yaml: explicit membership first (platform id, then e-mail/UPN), then the
channel a department owns, then the intranet directory groups forwarded by the portal.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import AppConfig, Department, Member
from bot.conversation import Message
from bot.roles import configured_role

# Which Member attribute holds a platform's user id.
_MEMBER_FIELD = {"web": "user", "console": "user", "api": "user", "slack": "slack", "teams": "teams"}


@dataclass(frozen=True, slots=True)
class Identity:
    user_id: str  # the official's stable id: the member's intranet login when known
    name: str
    department: Department
    role: str  # member, editor, admin: the effective role (bot/roles.py) once the dispatcher has placed them
    locale: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def find_member(config: AppConfig, platform: str, user_id: str, email: str = "") -> tuple[Department, Member] | None:
    field = _MEMBER_FIELD.get(platform, "user")
    wanted_email = email.casefold()
    for department in config.departments:
        for member in department.members:
            if getattr(member, field) == user_id and user_id:
                return department, member
    if wanted_email:
        for department in config.departments:
            for member in department.members:
                if member.email and member.email.casefold() == wanted_email:
                    return department, member
    return None


def resolve_identity(config: AppConfig, message: Message) -> Identity | None:
    locale = message.locale or config.organisation.locale
    found = find_member(config, message.platform, message.user_id, message.user_email)
    if found:
        department, member = found
        return Identity(member.user, member.name, department, configured_role(department, member.user), locale)
    guest_name = message.user_name or message.user_id
    guest_id = f"{message.platform}:{message.user_id}"
    for department in config.departments:
        if message.channel_id and message.channel_id in getattr(department.channels, message.platform, []):
            return Identity(guest_id, guest_name, department, "member", locale)
    groups = set(message.directory_groups)
    for department in config.departments:
        if groups & set(department.directory_groups):
            return Identity(guest_id, guest_name, department, "member", locale)
    return None

"""One answer to "what may this official do in this department", asked by chat commands, skills and the CLI.

An official's role comes from two places: app.yaml (members' roles and the department's `admins`) and run-time
grants that a department admin makes with `/role`. Deciding it in one function keeps a grant meaning the same
thing everywhere: an official made admin with `/role` may set quotas in chat and on the CLI alike.
"""

from __future__ import annotations

from typing import Protocol

from bot.audit.admin import AdminChange, AuditAppender, Recorder, recorder
from bot.config import Department

ROLES = ("member", "editor", "admin")
EDITOR_ROLES = frozenset({"editor", "admin"})


class GrantedRoles(Protocol):
    async def get(self, department_id: str, user_id: str) -> str | None: ...


class RoleGrants(GrantedRoles, Protocol):
    async def set(
        self, department_id: str, user_id: str, role: str, *, by: str, record: Recorder | None = None
    ) -> None: ...

    async def clear(self, department_id: str, user_id: str, *, record: Recorder | None = None) -> bool: ...


def configured_role(department: Department, user_id: str) -> str:
    """The role app.yaml gives the official (an unlisted official is a member)."""
    if user_id in department.admins:
        return "admin"
    return next((m.role for m in department.members if m.user == user_id), "member")


async def effective_role(roles: GrantedRoles, department: Department, user_id: str, configured: str) -> str:
    """app.yaml admins stay admins (a grant cannot lock them out); otherwise a run-time grant, else app.yaml."""
    if user_id in department.admins:
        return "admin"
    return await roles.get(department.id, user_id) or configured


async def change_role(
    roles: RoleGrants,
    department_id: str,
    user_id: str,
    role: str,
    *,
    by: str,
    audit: AuditAppender,
    platform: str,
) -> None:
    """Grant `role` at run time, or with "reset" drop the grant (back to app.yaml): what `/role` and the admin
    console both do, after they have checked that `by` is an admin of the department. The change and its signed
    audit record (who, whose role, the grant before and after; `platform`: the surface) commit together."""
    target = {"user": user_id}
    if role == "reset":
        change = AdminChange("role_revoke", by, department_id, target, platform)
        await roles.clear(department_id, user_id, record=recorder(audit, change))
        return
    if role not in ROLES:
        raise ValueError(role)
    change = AdminChange("role_grant", by, department_id, target, platform)
    await roles.set(department_id, user_id, role, by=by, record=recorder(audit, change))

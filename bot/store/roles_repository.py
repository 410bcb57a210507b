"""Roles given at run time by department admins; they take precedence over app.yaml's."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.store.models import DepartmentRole
from bot.store.repositories import utcnow


class RoleRepository:
    def __init__(self, sessions: async_sessionmaker):
        self._sessions = sessions

    async def get(self, department_id: str, user_id: str) -> str | None:
        async with self._sessions() as session:
            return await session.scalar(
                select(DepartmentRole.role).where(
                    DepartmentRole.department_id == department_id, DepartmentRole.user_id == user_id
                )
            )

    async def set(self, department_id: str, user_id: str, role: str, *, by: str) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                delete(DepartmentRole).where(
                    DepartmentRole.department_id == department_id, DepartmentRole.user_id == user_id
                )
            )
            session.add(
                DepartmentRole(
                    department_id=department_id, user_id=user_id, role=role, granted_by=by, granted_at=utcnow()
                )
            )

    async def clear(self, department_id: str, user_id: str) -> bool:
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(DepartmentRole).where(
                    DepartmentRole.department_id == department_id, DepartmentRole.user_id == user_id
                )
            )
            return result.rowcount > 0

    async def all(self, department_id: str) -> list[tuple[str, str, str]]:
        """(user, role, granted_by) for the department."""
        async with self._sessions() as session:
            rows = await session.execute(
                select(DepartmentRole.user_id, DepartmentRole.role, DepartmentRole.granted_by)
                .where(DepartmentRole.department_id == department_id)
                .order_by(DepartmentRole.user_id)
            )
            return [tuple(r) for r in rows]

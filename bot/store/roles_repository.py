"""Roles given at run time by department admins; they take precedence over app.yaml's."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.audit.admin import Recorder
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

    async def set(
        self, department_id: str, user_id: str, role: str, *, by: str, record: Recorder | None = None
    ) -> None:
        """Grant `role`; `record` is called in the same transaction with the grant before and after."""
        async with self._sessions.begin() as session:
            before = await self._granted(session, department_id, user_id)
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
            if record is not None:
                await session.flush()
                await record(await session.connection(), before, role)

    async def clear(self, department_id: str, user_id: str, *, record: Recorder | None = None) -> bool:
        """Drop the grant (back to app.yaml); `record` as in `set`, only when there was a grant to drop."""
        async with self._sessions.begin() as session:
            before = await self._granted(session, department_id, user_id)
            result = await session.execute(
                delete(DepartmentRole).where(
                    DepartmentRole.department_id == department_id, DepartmentRole.user_id == user_id
                )
            )
            if record is not None and before is not None:
                await record(await session.connection(), before, None)
            return result.rowcount > 0

    @staticmethod
    async def _granted(session: AsyncSession, department_id: str, user_id: str) -> str | None:
        return await session.scalar(
            select(DepartmentRole.role).where(
                DepartmentRole.department_id == department_id, DepartmentRole.user_id == user_id
            )
        )

    async def all(self, department_id: str) -> list[tuple[str, str, str]]:
        """(user, role, granted_by) for the department."""
        async with self._sessions() as session:
            rows = await session.execute(
                select(DepartmentRole.user_id, DepartmentRole.role, DepartmentRole.granted_by)
                .where(DepartmentRole.department_id == department_id)
                .order_by(DepartmentRole.user_id)
            )
            return [tuple(r) for r in rows]

"""Department assistants: a row per assistant (its pointers) and an immutable row per version.

Every edit inserts a version and moves `latest_version` with a conditional UPDATE, so two editors
saving at once cannot both win; names are unique per department by a database constraint.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from assistants.spec import AssistantSpec, fold_name
from bot.audit.admin import Recorder
from bot.store.models import AssistantVersion, OfficialAssistantOff, StoredAssistant
from bot.store.repositories import utcnow


class NameTaken(Exception):
    """Another live assistant of the department already has this name."""


class EditConflict(Exception):
    """Someone saved a newer version meanwhile."""


@dataclass(frozen=True, slots=True)
class AssistantState:
    id: str
    department_id: str
    latest_version: int
    published_version: int | None
    deleted: bool
    created_by: str
    updated_at: datetime
    disabled_by: str | None = None  # who disabled it on the admin console; None while it is enabled


@dataclass(frozen=True, slots=True)
class VersionInfo:
    version: int
    note: str
    created_by: str
    created_at: datetime


def _state(row: StoredAssistant) -> AssistantState:
    return AssistantState(
        row.id,
        row.department_id,
        row.latest_version,
        row.published_version,
        row.deleted_at is not None,
        row.created_by,
        row.updated_at,
        row.disabled_by if row.disabled_at is not None else None,
    )


def _load(spec_json: str, version: int, disabled: bool = False) -> AssistantSpec:
    return AssistantSpec.model_validate_json(spec_json).model_copy(update={"version": version, "disabled": disabled})


class AssistantRepository:
    def __init__(self, sessions: async_sessionmaker):
        self._sessions = sessions

    async def create(self, spec: AssistantSpec, *, by: str, note: str) -> AssistantSpec:
        """Store `spec` (which names its department) as version 1, not yet published."""
        assert spec.department, "a stored assistant belongs to a department"
        now = utcnow()
        first = spec.model_copy(update={"version": 1})
        try:
            async with self._sessions.begin() as session:
                session.add(
                    StoredAssistant(
                        id=spec.id,
                        department_id=spec.department,
                        name_key=fold_name(spec.name),
                        latest_version=1,
                        published_version=None,
                        created_by=by,
                        created_at=now,
                        updated_at=now,
                    )
                )
                await session.flush()
                session.add(
                    AssistantVersion(
                        assistant_id=spec.id,
                        version=1,
                        spec=first.model_dump_json(),
                        note=note,
                        created_by=by,
                        created_at=now,
                    )
                )
        except IntegrityError as error:
            raise NameTaken(spec.name) from error
        return first

    async def add_version(
        self, spec: AssistantSpec, *, after: int, by: str, note: str, publish: bool = False
    ) -> AssistantSpec:
        """Save `spec` as version `after + 1`; EditConflict when the latest is no longer `after`."""
        version, now = after + 1, utcnow()
        saved = spec.model_copy(update={"version": version})
        values: dict = {"latest_version": version, "name_key": fold_name(spec.name), "updated_at": now}
        if publish:
            values["published_version"] = version
        try:
            async with self._sessions.begin() as session:
                moved = await session.execute(
                    update(StoredAssistant)
                    .where(
                        StoredAssistant.id == spec.id,
                        StoredAssistant.latest_version == after,
                        StoredAssistant.deleted_at.is_(None),
                    )
                    .values(**values)
                )
                if moved.rowcount != 1:
                    raise EditConflict(spec.id)
                session.add(
                    AssistantVersion(
                        assistant_id=spec.id,
                        version=version,
                        spec=saved.model_dump_json(),
                        note=note,
                        created_by=by,
                        created_at=now,
                    )
                )
        except IntegrityError as error:
            raise NameTaken(spec.name) from error
        return saved

    async def publish(self, assistant_id: str, version: int) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(StoredAssistant)
                .where(StoredAssistant.id == assistant_id)
                .values(published_version=version, updated_at=utcnow())
            )

    async def delete(self, assistant_id: str) -> None:
        """Soft delete: hidden everywhere, history kept, the name freed until `restore`."""
        async with self._sessions.begin() as session:
            row = await session.get(StoredAssistant, assistant_id)
            if row is not None and row.deleted_at is None:
                row.deleted_at = utcnow()
                row.name_key = f"{row.name_key}~{row.id}"

    async def restore(self, assistant_id: str) -> None:
        try:
            async with self._sessions.begin() as session:
                row = await session.get(StoredAssistant, assistant_id)
                if row is not None and row.deleted_at is not None:
                    row.deleted_at = None
                    row.name_key = row.name_key.removesuffix(f"~{row.id}")
                    row.updated_at = utcnow()
        except IntegrityError as error:
            raise NameTaken(assistant_id) from error

    async def set_disabled(self, assistant_id: str, by: str | None, *, record: Recorder | None = None) -> bool:
        """Disable (by an admin) or enable again (`by` None); False when nothing changed. `record` is called in the
        same transaction when something changed, so the switch and its audit record commit together."""
        values = {"disabled_at": utcnow(), "disabled_by": by} if by else {"disabled_at": None, "disabled_by": None}
        condition = StoredAssistant.disabled_at.is_(None) if by else StoredAssistant.disabled_at.is_not(None)
        async with self._sessions.begin() as session:
            moved = await session.execute(
                update(StoredAssistant).where(StoredAssistant.id == assistant_id, condition).values(**values)
            )
            if moved.rowcount and record is not None:
                await record(
                    await session.connection(), "enabled" if by else "disabled", "disabled" if by else "enabled"
                )
            return bool(moved.rowcount)

    async def official_off(self) -> dict[str, str]:
        """The official assistants switched off on the console, with who did it."""
        async with self._sessions() as session:
            rows = await session.execute(select(OfficialAssistantOff.assistant_id, OfficialAssistantOff.disabled_by))
            return {str(a): str(b) for a, b in rows.all()}

    async def set_official_disabled(self, assistant_id: str, by: str | None, *, record: Recorder | None = None) -> bool:
        """Switch an official assistant off (`by` the admin) or on again (`by` None); False when it already was.
        `record` runs in the same transaction when something changed (the switch and its audit record together)."""
        async with self._sessions.begin() as session:
            if by:
                if await session.get(OfficialAssistantOff, assistant_id) is not None:
                    return False
                session.add(OfficialAssistantOff(assistant_id=assistant_id, disabled_by=by, disabled_at=utcnow()))
                await session.flush()
            else:
                moved = await session.execute(
                    delete(OfficialAssistantOff).where(OfficialAssistantOff.assistant_id == assistant_id)
                )
                if not moved.rowcount:
                    return False
            if record is not None:
                await record(
                    await session.connection(), "enabled" if by else "disabled", "disabled" if by else "enabled"
                )
            return True

    async def state(self, assistant_id: str) -> AssistantState | None:
        async with self._sessions() as session:
            row = await session.get(StoredAssistant, assistant_id)
            return None if row is None else _state(row)

    async def spec(self, assistant_id: str, version: int) -> AssistantSpec | None:
        async with self._sessions() as session:
            text = await session.scalar(
                select(AssistantVersion.spec).where(
                    AssistantVersion.assistant_id == assistant_id, AssistantVersion.version == version
                )
            )
            return None if text is None else _load(text, version)

    async def history(self, assistant_id: str) -> list[VersionInfo]:
        async with self._sessions() as session:
            rows = await session.execute(
                select(
                    AssistantVersion.version,
                    AssistantVersion.note,
                    AssistantVersion.created_by,
                    AssistantVersion.created_at,
                )
                .where(AssistantVersion.assistant_id == assistant_id)
                .order_by(AssistantVersion.version)
            )
            return [VersionInfo(*row) for row in rows]

    async def latest(
        self, department_id: str | None = None, *, include_deleted: bool = False
    ) -> list[tuple[AssistantState, AssistantSpec]]:
        """Each assistant's state with its latest version (drafts included), for editors and admins."""
        query = select(StoredAssistant, AssistantVersion.spec).join(
            AssistantVersion,
            and_(
                AssistantVersion.assistant_id == StoredAssistant.id,
                AssistantVersion.version == StoredAssistant.latest_version,
            ),
        )
        if department_id is not None:
            query = query.where(StoredAssistant.department_id == department_id)
        if not include_deleted:
            query = query.where(StoredAssistant.deleted_at.is_(None))
        async with self._sessions() as session:
            rows = await session.execute(query.order_by(StoredAssistant.created_at))
            return [(_state(row), _load(text, row.latest_version, row.disabled_at is not None)) for row, text in rows]

    async def published(self) -> list[AssistantSpec]:
        """The published version of every live assistant: what officials use."""
        query = (
            select(AssistantVersion.spec, AssistantVersion.version, StoredAssistant.disabled_at)
            .join(
                StoredAssistant,
                and_(
                    AssistantVersion.assistant_id == StoredAssistant.id,
                    AssistantVersion.version == StoredAssistant.published_version,
                ),
            )
            .where(StoredAssistant.deleted_at.is_(None))
            .order_by(StoredAssistant.created_at)
        )
        async with self._sessions() as session:
            rows = await session.execute(query)
            return [_load(text, version, disabled is not None) for text, version, disabled in rows]

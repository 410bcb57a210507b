"""Engines and migrations. SQLite is the embedded default; PostgreSQL is the shared store when
several govbot processes serve one office."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str, *, schema: str | None = None, synchronous_commit: bool = True) -> AsyncEngine:
    """An async engine; `schema` (PostgreSQL) isolates one installation or one test run. `synchronous_commit=False`
    (PostgreSQL): its commits return before their WAL is flushed (for quota reservations only, see
    QuotaRepository; what SQLite's synchronous=NORMAL below does for every commit)."""
    if url.startswith("sqlite"):
        # SQLite has one writer at a time: within a process, queue for one connection instead of
        # letting several connections collide and sleep in SQLite's busy handler (long tail latency).
        engine = create_async_engine(
            url, connect_args={"timeout": 30}, pool_size=1, max_overflow=0, pool_timeout=60, hide_parameters=True
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    server_settings = {"search_path": schema} if schema else {}
    if not synchronous_commit:
        server_settings["synchronous_commit"] = "off"
    connect_args = {"server_settings": server_settings} if server_settings else {}
    # hide_parameters: a database error's message (which ends up in logs) never carries the values it was
    # given (user ids, message content).
    return create_async_engine(url, connect_args=connect_args, pool_pre_ping=True, hide_parameters=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers and one writer work at once; busy_timeout makes concurrent writers wait, not fail.
    # synchronous=NORMAL is WAL's recommended pairing: no fsync per commit, and still no corruption;
    # a power cut may lose the last commits, never the consistency of the ones kept.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


# Held (PostgreSQL) while migrations run, so two `govbot db upgrade` (or a deploy starting several containers at once)
# never apply the same revision twice; processes already serving are not blocked (each migration is additive and
# runs in its one transaction: PostgreSQL's DDL is transactional, so they see the old schema or the new one).
MIGRATION_LOCK = 0x676F76626F74  # "govbot"


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Apply migrations up to `revision` on `engine`, one migrating process at a time."""

    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        await connection.run_sync(run)


async def current_revision(engine: AsyncEngine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with engine.connect() as connection:
        return await connection.run_sync(read)

"""Alembic environment: migrations always run on a connection handed in by bot.store.db.upgrade."""

from alembic import context

from bot.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations with `govbot db upgrade` (bot.store.db.upgrade), not the alembic CLI.")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()

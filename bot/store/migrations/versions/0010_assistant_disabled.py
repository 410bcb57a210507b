"""Department assistants can be disabled from the admin console (and enabled again): who and when.

A disabled assistant keeps its versions and stays listed for its editors; chat refuses it with a message.

Revision ID: 0010_assistant_disabled
Revises: 0009_shared_state
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_assistant_disabled"
down_revision = "0009_shared_state"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assistants") as batch:
        batch.add_column(sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("disabled_by", sa.String(128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assistants") as batch:
        batch.drop_column("disabled_by")
        batch.drop_column("disabled_at")

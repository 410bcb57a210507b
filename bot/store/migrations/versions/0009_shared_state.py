"""Short-lived state shared by every serve process when no Redis is configured (sealed values with an expiry).

Revision ID: 0009_shared_state
Revises: 0008_audit_base
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_shared_state"
down_revision = "0008_audit_base"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shared_state",
        sa.Column("namespace", sa.String(32), primary_key=True),
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_shared_state_expires_at", "shared_state", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_shared_state_expires_at", table_name="shared_state")
    op.drop_table("shared_state")

"""Official (YAML) assistants can be switched off by an office admin on the console: the switch lives here (the
YAML stays as reviewed), one row per assistant that is off, with who and when.

Revision ID: 0012_console2_official_off
Revises: 0011_console2_audit_verified
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_console2_official_off"
down_revision = "0011_console2_audit_verified"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "official_assistants_off",
        sa.Column("assistant_id", sa.String(64), primary_key=True),
        sa.Column("disabled_by", sa.String(128), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("official_assistants_off")

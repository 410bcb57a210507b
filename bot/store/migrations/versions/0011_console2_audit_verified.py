"""Where the admin console's last chain verification ended, so the audit page checks only the records written since.

One row (id 1): the seq and hash of the last record that verified, signed like a checkpoint (bot/audit/checkpoint.py)
so it cannot be moved by SQL alone, and when the last full verification ran. An edit of a record before it is found
by the full verification (the page's button, `govbot audit verify`).

Revision ID: 0011_console2_audit_verified
Revises: 0010_assistant_disabled
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_console2_audit_verified"
down_revision = "0010_assistant_disabled"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_verified",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("signature", sa.String(64), nullable=False),
        sa.Column("full_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("audit_verified")

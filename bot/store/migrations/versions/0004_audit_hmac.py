"""Keyed audit chain: records carry the fingerprint of the HMAC key that signed them, the head its own MAC.

Records written before this revision keep their plain SHA-256 hashes (key_id NULL). The first record
written afterwards is HMAC-signed and links to the last of them, so it anchors and seals the old part.

Revision ID: 0004_audit_hmac
Revises: 0003
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_audit_hmac"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("key_id", sa.String(16), nullable=True))
    op.add_column("audit_head", sa.Column("mac", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_head") as batch:
        batch.drop_column("mac")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("key_id")

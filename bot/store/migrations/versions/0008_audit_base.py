"""The audit chain's base: a signed checkpoint of the last record a retention purge removed, so verification
starts from it instead of the first record ever written.

Revision ID: 0008_audit_base
Revises: 0007_knowledge_vectors
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_audit_base"
down_revision = "0007_knowledge_vectors"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_base",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("signature", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("audit_base")

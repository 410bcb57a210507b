"""Quota reservations with an owner and an expiry (given back after a crash); 64-bit counters and usage.

Revision ID: 0005_quota_reservations
Revises: 0003
Create Date: 2026-11-29

A reservation used to exist only as a number in `quota_counters.reserved_tokens`: a process killed
mid-call left it there forever. Now each in-flight call has a row naming its owner process and an
expiry the owner keeps renewing; any govbot process sweeps expired rows back. Reserved tokens left
by earlier versions have no row and can never be settled, so they are cleared here (stop the old
processes before upgrading).

`requests` and the usage token columns were int32 on PostgreSQL: a limit above 2,147,483,647 made
every reservation fail. SQLite's INTEGER is already 64-bit.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_quota_reservations"
down_revision = "0004_audit_hmac"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "quota_reservations",
        sa.Column("call_id", sa.String(32), primary_key=True),
        sa.Column("owner", sa.String(96), nullable=False),
        sa.Column("counters", sa.Text(), nullable=False),
        sa.Column("tokens", sa.BigInteger(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("department_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("assistant_id", sa.String(64)),
        sa.Column("model_alias", sa.String(64), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
    )
    op.create_index("ix_quota_reservations_owner", "quota_reservations", ["owner"])
    op.create_index("ix_quota_reservations_expires_at", "quota_reservations", ["expires_at"])
    op.execute("UPDATE quota_counters SET reserved_tokens = 0 WHERE reserved_tokens <> 0")
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("quota_counters", "requests", type_=sa.BigInteger(), existing_nullable=False)
        op.alter_column("usage_records", "prompt_tokens", type_=sa.BigInteger(), existing_nullable=False)
        op.alter_column("usage_records", "completion_tokens", type_=sa.BigInteger(), existing_nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("usage_records", "completion_tokens", type_=sa.Integer(), existing_nullable=False)
        op.alter_column("usage_records", "prompt_tokens", type_=sa.Integer(), existing_nullable=False)
        op.alter_column("quota_counters", "requests", type_=sa.Integer(), existing_nullable=False)
    op.drop_table("quota_reservations")

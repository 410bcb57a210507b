"""Department assistants with immutable versions, run-time roles, guided authoring dialogues.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "assistants",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("department_id", sa.String(64), nullable=False),
        sa.Column("name_key", sa.String(160), nullable=False),
        sa.Column("latest_version", sa.Integer(), nullable=False),
        sa.Column("published_version", sa.Integer()),
        sa.Column("deleted_at", TS),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.UniqueConstraint("department_id", "name_key"),
    )
    op.create_index("ix_assistants_department_id", "assistants", ["department_id"])
    op.create_table(
        "assistant_versions",
        sa.Column("assistant_id", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer(), primary_key=True),
        sa.Column("spec", sa.Text(), nullable=False),
        sa.Column("note", sa.String(200), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "department_roles",
        sa.Column("department_id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(128), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("granted_by", sa.String(128), nullable=False),
        sa.Column("granted_at", TS, nullable=False),
    )
    op.create_table(
        "authoring_dialogues",
        sa.Column("key_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("step", sa.String(24), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )


def downgrade() -> None:
    for table in ("authoring_dialogues", "department_roles", "assistant_versions", "assistants"):
        op.drop_table(table)

"""Initial tables: usage, conversation metadata, optional content, processed events, feedback.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "usage_records",
        sa.Column("id", BIGID, primary_key=True, autoincrement=True),
        sa.Column("call_id", sa.String(32), nullable=False, unique=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("department_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("assistant_id", sa.String(64)),
        sa.Column("assistant_version", sa.Integer()),
        sa.Column("model_alias", sa.String(64), nullable=False),
        sa.Column("provider", sa.String(64), nullable=False),
        sa.Column("model", sa.String(128), nullable=False),
        sa.Column("prompt_tokens", sa.Integer(), nullable=False),
        sa.Column("completion_tokens", sa.Integer(), nullable=False),
        sa.Column("estimated", sa.Boolean(), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=False),
    )
    op.create_index("ix_usage_records_created_at", "usage_records", ["created_at"])
    op.create_index("ix_usage_records_department_id", "usage_records", ["department_id"])
    op.create_table(
        "conversations",
        sa.Column("id", BIGID, primary_key=True, autoincrement=True),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("department_id", sa.String(64), nullable=False),
        sa.Column("assistant_id", sa.String(64)),
        sa.Column("assistant_version", sa.Integer()),
        sa.Column("turns", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_conversations_department_id", "conversations", ["department_id"])
    op.create_index("ix_conversations_updated_at", "conversations", ["updated_at"])
    op.create_table(
        "conversation_messages",
        sa.Column("id", BIGID, primary_key=True, autoincrement=True),
        sa.Column("conversation_id", BIGID, nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("tokens", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_conversation_messages_conversation_id", "conversation_messages", ["conversation_id"])
    op.create_table(
        "processed_events",
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("expires_at", TS, nullable=False),
    )
    op.create_index("ix_processed_events_expires_at", "processed_events", ["expires_at"])
    op.create_table(
        "feedback",
        sa.Column("id", BIGID, primary_key=True, autoincrement=True),
        sa.Column("answer_id", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("value", sa.String(8), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("answer_id", "user_id"),
    )
    op.create_index("ix_feedback_answer_id", "feedback", ["answer_id"])


def downgrade() -> None:
    for table in ("feedback", "processed_events", "conversation_messages", "conversations", "usage_records"):
        op.drop_table(table)

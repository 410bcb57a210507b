"""Knowledge chunks keep their embedding (float32 bytes) and the model alias that made it, for hybrid search.

Revision ID: 0007_knowledge_vectors
Revises: 0006_knowledge
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_knowledge_vectors"
down_revision = "0006_knowledge"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("knowledge_chunks") as batch:
        batch.add_column(sa.Column("vector", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("vector_model", sa.String(100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("knowledge_chunks") as batch:
        batch.drop_column("vector_model")
        batch.drop_column("vector")

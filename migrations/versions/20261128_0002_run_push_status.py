"""run push status

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 14:05:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Batch mode so SQLite, which cannot ALTER much, rebuilds the table instead.
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("pushed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("push_error", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("push_error")
        batch.drop_column("pushed_at")

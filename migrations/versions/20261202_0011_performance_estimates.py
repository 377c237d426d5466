"""performance_estimates and class_performance, readable by Grafana with performance_results

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 15:30:00

Issue 20: performance estimated from a binary classifier's scores before its labels land
(driftboard/sla/estimate.py) is stored beside the realised metrics, in a table of its own, so
that nothing that reads performance_results (the SLA views) can mistake an estimate for a
measurement. A multiclass model's per-class precision, recall, F1 and support get a table too.
The Grafana role, if it exists, may read both and performance_results (the performance
dashboard charts them). Downgrade drops the two tables and that grant.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Literal names, not driftboard's: a migration must keep meaning what it meant when written.
ESTIMATES, CLASSES, REALISED = "performance_estimates", "class_performance", "performance_results"
ROLE = "driftboard_grafana"
UTC = sa.DateTime(timezone=True)
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
IF_ROLE = (
    "DO $$ BEGIN "
    "IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '{role}') THEN {sql}; END IF; END $$"
)


def _window_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("model", sa.String(length=63), nullable=False),
        sa.Column("window_start", UTC, nullable=False),
        sa.Column("window_end", UTC, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        ESTIMATES,
        *_window_columns(),
        sa.Column("metric", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("n_rows", sa.Integer(), nullable=False),
        sa.Column("n_labeled", sa.Integer(), nullable=False),
        sa.Column("computed_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=f"pk_{ESTIMATES}"),
        sa.UniqueConstraint("model", "window_end", "metric", name=f"uq_{ESTIMATES}_model_window_end_metric"),
    )
    op.create_table(
        CLASSES,
        *_window_columns(),
        sa.Column("class_label", sa.String(length=255), nullable=False),
        sa.Column("metric", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("computed_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=f"pk_{CLASSES}"),
        sa.UniqueConstraint(
            "model",
            "window_end",
            "class_label",
            "metric",
            name=f"uq_{CLASSES}_model_window_end_class_label_metric",
        ),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            IF_ROLE.format(role=ROLE, sql=f"GRANT SELECT ON {ESTIMATES}, {CLASSES}, {REALISED} TO {ROLE}")
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(IF_ROLE.format(role=ROLE, sql=f"REVOKE SELECT ON {REALISED} FROM {ROLE}"))
    op.drop_table(CLASSES)
    op.drop_table(ESTIMATES)

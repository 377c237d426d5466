"""feature_daily: per model, UTC day and feature, the day's worst drift ratio

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 19:00:00

The heatmap orders a month of one model's features by their worst drift ratio; that ranking
read all 72,000 of the range's feature rows (BENCHMARKS.md). This rollup holds one row per
model, UTC day and feature (30 per feature for a month), kept exact by driftboard/store/rollup.py
in the transactions that write or delete feature rows. It is filled here from the existing
rows with one GROUP BY; on SQLite the day is cut from the stored UTC text. The Grafana role,
if it exists, may read it (as 0006 grants its tables). Downgrade drops it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Literal names and SQL, not driftboard's: a migration must keep meaning what it meant when written.
TABLE, ROLE = "feature_daily", "driftboard_grafana"
DAY_OF = {
    "postgresql": "date_trunc('day', window_end, 'UTC')",
    "sqlite": "substr(window_end, 1, 10) || ' 00:00:00.000000'",
}
BACKFILL = """
INSERT INTO feature_daily (model, day, feature, max_ratio, drifted_runs, runs)
SELECT model, {day}, feature, max(drift_ratio), sum(CASE WHEN drift_detected THEN 1 ELSE 0 END), count(*)
FROM feature_results GROUP BY model, {day}, feature"""


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("model", sa.String(length=63), nullable=False),
        sa.Column("day", sa.DateTime(timezone=True), nullable=False),
        sa.Column("feature", sa.String(length=255), nullable=False),
        sa.Column("max_ratio", sa.Float(), nullable=True),
        sa.Column("drifted_runs", sa.Integer(), nullable=False),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("model", "day", "feature", name="pk_feature_daily"),
    )
    dialect = op.get_bind().dialect.name
    op.execute(BACKFILL.format(day=DAY_OF[dialect]))
    if dialect == "postgresql":
        op.execute(f"ANALYZE {TABLE}")
        op.execute(
            f"DO $$ BEGIN IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '{ROLE}') THEN "
            f"GRANT SELECT ON {TABLE} TO {ROLE}; END IF; END $$"
        )


def downgrade() -> None:
    op.drop_table(TABLE)

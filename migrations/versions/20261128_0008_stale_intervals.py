"""monitored_models.stale_intervals, shown by the sla_models view

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 20:00:00

The overview dashboard judged a model stale after alerting/config.yml's default number of
schedule intervals, guessing the interval from the spacing of the last two windows, and
critical by the default levels, while the alerts use each model's own. monitored_models
already holds each model's interval and drift levels; this adds its stale_intervals (the
spec's `alerts.stale_intervals`, else the config's default). Existing rows get the config's
default at upgrade time as the server default; each model's next run writes its own.

Grafana reads monitored_models only through the sla_models view (0005), so the view is made
again with the new column, and the role's SELECT on it granted again. On PostgreSQL the view
pins the table's columns, so downgrade drops it before the column and then restores 0005's.
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic import op

from driftboard import alertconfig

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Literal names, not driftboard's: a migration must keep meaning what it meant when written.
# Only the level for existing rows is read, from alerting/config.yml: the config owns it.
TABLE, COLUMN, VIEW, ROLE = "monitored_models", "stale_intervals", "sla_models", "driftboard_grafana"
BEFORE, AFTER = (
    "feature_drift_runs, performance_metric",
    "feature_drift_runs, stale_intervals, performance_metric",
)


def view_0005(dialect: str) -> str:
    """0005's own sla_models SQL (its module, so downgrade restores exactly that)."""
    path = Path(__file__).with_name("20261128_0005_sla.py")
    spec = importlib.util.spec_from_file_location("driftboard_migration_0005", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sql: str = module.view_sql(dialect)[VIEW]
    return sql


def create_view(sql: str) -> None:
    op.execute(f"CREATE VIEW {VIEW} AS {sql}")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"DO $$ BEGIN IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '{ROLE}') THEN "
            f"GRANT SELECT ON {VIEW} TO {ROLE}; END IF; END $$"
        )


def upgrade() -> None:
    default = float(alertconfig.load().thresholds.stale_intervals)
    # SQLite adds a NOT NULL column with a default in place: no table rebuild under the views.
    op.add_column(TABLE, sa.Column(COLUMN, sa.Float(), nullable=False, server_default=sa.text(repr(default))))
    sql = view_0005(op.get_bind().dialect.name)
    assert BEFORE in sql
    op.execute(f"DROP VIEW {VIEW}")
    create_view(sql.replace(BEFORE, AFTER))


def downgrade() -> None:
    op.execute(f"DROP VIEW {VIEW}")
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_column(COLUMN)
    create_view(view_0005(op.get_bind().dialect.name))

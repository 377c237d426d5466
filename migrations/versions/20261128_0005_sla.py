"""sla: model registry, performance results and the SLA views

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-28 15:00:00

The SLA definitions live here, once, as views: the Grafana dashboard and `driftboard report
sla` both aggregate these per-run rows over their period (driftboard/sla/queries.py), so they
cannot disagree. docs/sla.md states every formula. A model appears in the views once a run has
registered it in monitored_models; its earlier history then counts too.

Views pin the columns they read. On PostgreSQL a later migration that alters or drops such a
column must drop and recreate the views around it. On SQLite a batch migration rebuilds a
table under a temporary name, which SQLite ≥ 3.26 refuses while a view names the table;
migrations/env.py turns on legacy_alter_table for that reason.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = sa.DateTime(timezone=True)
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
ROLE = "driftboard_grafana"
VIEWS = ("sla_models", "sla_runs", "sla_feature_windows", "sla_incidents")  # in creation order

# The only differences between the dialects: seconds since 1970 of a timestamp (SQLite stores
# text; julianday's float error is rounded away at milliseconds), a failure reason (the error
# up to its first colon, so "source database unavailable: <details>" groups), and a UTC day.
FRAGMENTS = {
    "postgresql": {
        "epoch": "extract(epoch FROM {})",
        "reason": "split_part({}, ':', 1)",
        "day": "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
    },
    "sqlite": {
        "epoch": "round((julianday({}) - 2440587.5) * 86400.0, 3)",
        "reason": "CASE WHEN instr({0}, ':') > 0 THEN substr({0}, 1, instr({0}, ':') - 1) ELSE {0} END",
        "day": "strftime('%Y-%m-%d', {})",
    },
}

SLA_MODELS = """
SELECT model, interval_seconds, freshness_target, healthy_target, severe_drift_ratio,
       drift_share_critical, feature_drift_runs, performance_metric, performance_threshold,
       first_window_end, {first_epoch} AS first_window_end_epoch
FROM (SELECT m.*, (SELECT min(r.window_end) FROM runs r WHERE r.model = m.model) AS first_window_end
      FROM monitored_models m) registered"""

# One row per recorded run (succeeded, failed or skipped) of a registered model, with its flags.
SLA_RUNS = """
SELECT run_id, model, window_start, window_end, window_end_epoch, status, reason, finished_at,
       interval_seconds, succeeded, on_time, drifted, critical, worst_ratio, performance, performance_ok,
       CASE WHEN succeeded = 1 AND critical = 0 AND coalesce(performance_ok, 1) = 1 THEN 1 ELSE 0 END
         AS healthy
FROM (
  SELECT base.*,
         CASE WHEN status = 'succeeded' THEN 1 ELSE 0 END AS succeeded,
         CASE WHEN status = 'succeeded' AND finished_epoch <= window_end_epoch + interval_seconds
              THEN 1 ELSE 0 END AS on_time,
         CASE WHEN status = 'succeeded' AND n_drifted > 0 THEN 1 ELSE 0 END AS drifted,
         CASE WHEN status = 'succeeded'
                   AND (share_drifted >= drift_share_critical OR worst_ratio >= severe_drift_ratio)
              THEN 1 ELSE 0 END AS critical,
         CASE WHEN performance IS NULL OR performance_threshold IS NULL THEN NULL
              WHEN performance_metric IN ('mae', 'rmse')  -- errors: lower is better
                THEN CASE WHEN performance <= performance_threshold THEN 1 ELSE 0 END
              WHEN performance >= performance_threshold THEN 1 ELSE 0 END AS performance_ok
  FROM (
    SELECT r.id AS run_id, r.model, r.window_start, r.window_end, r.status, r.finished_at,
           r.n_drifted, r.share_drifted,
           CASE WHEN r.status <> 'succeeded' THEN coalesce({reason}, 'unknown') END AS reason,
           {window_end_epoch} AS window_end_epoch, {finished_epoch} AS finished_epoch,
           m.interval_seconds, m.drift_share_critical, m.severe_drift_ratio,
           m.performance_metric, m.performance_threshold,
           (SELECT max(f.drift_ratio) FROM feature_results f WHERE f.run_id = r.id) AS worst_ratio,
           p.value AS performance
    FROM runs r
    JOIN monitored_models m ON m.model = r.model
    LEFT JOIN performance_results p
      ON p.model = r.model AND p.window_end = r.window_end AND p.metric = m.performance_metric
  ) base
) flagged"""

SLA_FEATURE_WINDOWS = """
SELECT f.model, f.window_end, {window_end_epoch} AS window_end_epoch, {day} AS day, f.feature, f.drift_ratio,
       CASE WHEN f.drift_detected THEN 1 ELSE 0 END AS drifted
FROM feature_results f JOIN runs r ON r.id = f.run_id
WHERE r.status = 'succeeded' AND f.status = 'ok'"""

# Incidents: maximal sequences of drifted windows among a model's successful runs (failed and
# skipped runs neither extend nor end one). The warning alert fires when one feature drifted in
# feature_drift_runs successful runs in a row (as store.consecutive_drift counts), the critical
# one at the first critical run: whichever comes first is the incident's first alert. Each CTE
# is read once and every window is partitioned by model, so PostgreSQL inlines them and pushes
# a query's `model = ...` down to the runs index instead of walking every model's history.
SLA_INCIDENTS = """
WITH seq AS (
  SELECT run_id, model, window_start, window_end, finished_at, drifted, critical,
         row_number() OVER (PARTITION BY model ORDER BY window_end, window_start, run_id) AS n,
         count(*) OVER (PARTITION BY model) AS last_n
  FROM sla_runs WHERE succeeded = 1
), features AS (
  SELECT seq.*, f.feature,
         n - row_number() OVER (PARTITION BY seq.model, f.feature ORDER BY n) AS feature_island
  FROM seq LEFT JOIN feature_results f
    ON f.run_id = seq.run_id AND f.status = 'ok' AND f.drift_detected
), streaks AS (
  SELECT features.*,
         CASE WHEN feature IS NULL THEN 0
              ELSE row_number() OVER (PARTITION BY model, feature, feature_island ORDER BY n) END AS streak
  FROM features
), per_run AS (
  SELECT model, run_id, window_start, window_end, finished_at, drifted, critical, n, last_n,
         max(streak) AS streak
  FROM streaks
  GROUP BY model, run_id, window_start, window_end, finished_at, drifted, critical, n, last_n
), islands AS (
  SELECT per_run.*, n - row_number() OVER (PARTITION BY model ORDER BY n) AS island
  FROM per_run WHERE drifted = 1
), positioned AS (
  SELECT islands.*, m.feature_drift_runs,
         row_number() OVER (PARTITION BY islands.model, island ORDER BY n) AS position
  FROM islands JOIN monitored_models m ON m.model = islands.model
), incidents AS (
  SELECT model,
         max(CASE WHEN position = 1 THEN window_start END) AS onset,
         min(finished_at) AS detected_at,
         min(CASE WHEN critical = 1 OR streak >= feature_drift_runs THEN finished_at END) AS alerted_at,
         CASE WHEN max(n) < max(last_n) THEN max(window_end) END AS ended_at,
         min(window_end) AS first_window_end, max(window_end) AS last_window_end,
         count(*) AS windows, sum(critical) AS critical_windows
  FROM positioned GROUP BY model, island
)
SELECT model, onset, detected_at, alerted_at, ended_at, first_window_end, last_window_end,
       windows, critical_windows,
       {detected} - {onset} AS mttd_seconds,
       {ended} - {onset} AS mttr_seconds
FROM incidents"""


def view_sql(dialect: str) -> dict[str, str]:
    f = {name: template.format for name, template in FRAGMENTS[dialect].items()}
    epoch = f["epoch"]
    return {
        "sla_models": SLA_MODELS.format(first_epoch=epoch("first_window_end")),
        "sla_runs": SLA_RUNS.format(
            reason=f["reason"]("r.error"),
            window_end_epoch=epoch("r.window_end"),
            finished_epoch=epoch("r.finished_at"),
        ),
        "sla_feature_windows": SLA_FEATURE_WINDOWS.format(
            window_end_epoch=epoch("f.window_end"), day=f["day"]("f.window_end")
        ),
        "sla_incidents": SLA_INCIDENTS.format(
            detected=epoch("detected_at"), onset=epoch("onset"), ended=epoch("ended_at")
        ),
    }


GRANT = f"""
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '{ROLE}') THEN
    GRANT SELECT ON {", ".join(VIEWS)} TO {ROLE};
  END IF;
END $$"""


def create_tables() -> None:
    op.create_table(
        "monitored_models",
        sa.Column("model", sa.String(length=63), nullable=False),
        sa.Column("interval_seconds", sa.Float(), nullable=False),
        sa.Column("freshness_target", sa.Float(), nullable=False),
        sa.Column("healthy_target", sa.Float(), nullable=False),
        sa.Column("severe_drift_ratio", sa.Float(), nullable=False),
        sa.Column("drift_share_critical", sa.Float(), nullable=False),
        sa.Column("feature_drift_runs", sa.Integer(), nullable=False),
        sa.Column("performance_metric", sa.String(length=16), nullable=True),
        sa.Column("performance_threshold", sa.Float(), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("model", name=op.f("pk_monitored_models")),
    )
    op.create_table(
        "performance_results",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("model", sa.String(length=63), nullable=False),
        sa.Column("window_start", UTC, nullable=False),
        sa.Column("window_end", UTC, nullable=False),
        sa.Column("metric", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("n_rows", sa.Integer(), nullable=False),
        sa.Column("n_labeled", sa.Integer(), nullable=False),
        sa.Column("computed_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_performance_results")),
        sa.UniqueConstraint(
            "model", "window_end", "metric", name=op.f("uq_performance_results_model_window_end_metric")
        ),
    )


def upgrade() -> None:
    create_tables()
    dialect = op.get_bind().dialect.name
    for name, sql in view_sql(dialect).items():
        op.execute(f"CREATE VIEW {name} AS {sql}")
    if dialect == "postgresql":
        op.execute(GRANT)


def downgrade() -> None:
    for name in reversed(VIEWS):
        op.execute(f"DROP VIEW {name}")
    op.drop_table("performance_results")
    op.drop_table("monitored_models")

"""sla: backfilled windows are neither late nor slow to detect

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-02 16:00:00

Freshness and MTTD used each run's finished_at, so history loaded by a backfill (the demo's
month included) showed 0 % freshness and an MTTD of the backfill's delay. docs/sla.md defines
the fix: monitoring of a model was running from the first run the store recorded for it (its
earliest finished_at). A window due (window end + interval) before that moment is
*backfilled*: it counts as on time, and its drift counts as known at its window's end, the
earliest a live run could have seen it. Windows due later are judged by finished_at as before,
so an outage after a model went live still costs freshness and detection time.

sla_runs gains `backfilled` and `known_at`; sla_incidents detects and alerts by `known_at`.
An index on runs (model, finished_at) makes each model's first finished_at one index probe.
Both views are made from the SQL the earlier migrations left (0006's on PostgreSQL, 0005's on
SQLite) with those changes (sla_incidents reads sla_runs, so it goes first and comes back
last), and the Grafana role's SELECT is granted again.
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from alembic import op

revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLE = "driftboard_grafana"
VIEWS = ("sla_runs", "sla_incidents")  # in creation order
DUE_BEFORE_FIRST = "window_end_epoch + interval_seconds < first_finished_epoch"
LATE = "finished_epoch > window_end_epoch + interval_seconds"
# (0005's text, what replaces it) in sla_runs.
RUNS_CHANGES = [
    (
        "performance_ok,\n       CASE WHEN succeeded",
        "performance_ok, backfilled, known_at,\n       CASE WHEN succeeded",
    ),
    (
        "CASE WHEN status = 'succeeded' AND finished_epoch <= window_end_epoch + interval_seconds",
        f"CASE WHEN {DUE_BEFORE_FIRST} THEN 1 ELSE 0 END AS backfilled,\n"
        f"         CASE WHEN {DUE_BEFORE_FIRST} THEN window_end ELSE finished_at END AS known_at,\n"
        "         CASE WHEN status = 'succeeded'\n"
        f"                   AND (NOT {LATE} OR {DUE_BEFORE_FIRST})",
    ),
    (
        "m.performance_metric, m.performance_threshold,\n",
        "m.performance_metric, m.performance_threshold, {first_finished_epoch} AS first_finished_epoch,\n",
    ),
]
# A scalar subquery on the index below, neither a window function (a period's `window_end`
# condition could no longer reach the runs index: 7x slower SLO panels) nor a join on a GROUP BY.
FIRST = "(SELECT min(first_run.finished_at) FROM runs first_run WHERE first_run.model = r.model)"
INDEX = "ix_runs_model_finished_at"
EPOCH = {
    "postgresql": f"extract(epoch FROM {FIRST})",
    "sqlite": f"round((julianday({FIRST}) - 2440587.5) * 86400.0, 3)",
}


def _module(name: str) -> Any:
    path = Path(__file__).with_name(name)
    spec = importlib.util.spec_from_file_location(f"driftboard_migration_{path.stem}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def views_before(dialect: str) -> dict[str, str]:
    """The views as the migrations before this one left them (their own modules, so downgrade
    restores exactly that): on PostgreSQL 0006's, which look up one partition of
    feature_results; on SQLite 0005's."""
    if dialect == "postgresql":
        views = _module("20261128_0006_partition_feature_results.py").sla_views(pruned=True)
    else:
        views = _module("20261128_0005_sla.py").view_sql(dialect)
    return {name: str(views[name]) for name in VIEWS}


def views_0010(dialect: str) -> dict[str, str]:
    runs, incidents = views_before(dialect).values()
    for before, after in RUNS_CHANGES:
        assert before in runs, before
        runs = runs.replace(before, after.replace("{first_finished_epoch}", EPOCH[dialect]))
    assert incidents.count("finished_at") == 5
    return {"sla_runs": runs, "sla_incidents": incidents.replace("finished_at", "known_at")}


def _replace(views: dict[str, str]) -> None:
    for name in reversed(VIEWS):
        op.execute(f"DROP VIEW {name}")
    for name in VIEWS:
        op.execute(f"CREATE VIEW {name} AS {views[name]}")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"DO $$ BEGIN IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '{ROLE}') THEN "
            f"GRANT SELECT ON {', '.join(VIEWS)} TO {ROLE}; END IF; END $$"
        )


def upgrade() -> None:
    op.create_index(INDEX, "runs", ["model", "finished_at"])
    _replace(views_0010(op.get_bind().dialect.name))


def downgrade() -> None:
    _replace(views_before(op.get_bind().dialect.name))
    op.drop_index(INDEX, "runs")

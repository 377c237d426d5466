"""The period aggregation of the SLA views: the one SQL both the dashboard and the report run.

The views (migration 0005) define each run's flags and each incident; these queries only add
them up over a period, described by driftboard.sla.period.
"""

from driftboard.sla.period import (
    BOUND,
    DIALECTS,
    GRAFANA,
    POSTGRES,
    SQLITE,
    Dialect,
    Period,
    due,
    in_period,
    overlaps,
)

__all__ = ["BOUND", "DIALECTS", "GRAFANA", "POSTGRES", "SQLITE", "Dialect", "Period"]


WINDOW_COUNTS = """
  SELECT r.model, count(*) AS runs, sum(r.succeeded) AS succeeded_runs,
         count(DISTINCT CASE WHEN r.succeeded = 1 THEN r.window_end END) AS evaluated_windows,
         count(DISTINCT CASE WHEN r.on_time = 1 THEN r.window_end END) AS on_time_windows,
         count(DISTINCT CASE WHEN r.healthy = 1 THEN r.window_end END) AS healthy_windows,
         count(DISTINCT CASE WHEN r.critical = 1 THEN r.window_end END) AS critical_windows,
         count(DISTINCT CASE WHEN r.performance IS NOT NULL THEN r.window_end END) AS labeled_windows
  FROM sla_runs r JOIN due ON due.model = r.model"""


# Counts of a model without runs (or incidents) in the period are 0, not NULL.
COUNTS = {
    "w": "evaluated_windows on_time_windows runs succeeded_runs healthy_windows critical_windows "
    "labeled_windows",
    "i": "incidents open_incidents",
}
ZEROED = ",\n         ".join(
    f"coalesce({table}.{c}, 0) AS {c}" for table, names in COUNTS.items() for c in names.split()
)


def _totals(d: Dialect, p: Period) -> str:
    return f"""{due(d, p)}, windows AS ({WINDOW_COUNTS}
  WHERE {in_period("r", p)}
  GROUP BY r.model
), incidents AS (
  SELECT i.model, count(*) AS incidents, count(*) - count(i.ended_at) AS open_incidents,
         CAST(avg(i.mttd_seconds) AS {d.real}) AS mttd_seconds,
         CAST(avg(i.mttr_seconds) AS {d.real}) AS mttr_seconds
  FROM sla_incidents i JOIN due ON due.model = i.model
  WHERE {overlaps("i", p)}
  GROUP BY i.model
), totals AS (
  SELECT due.model, due.interval_seconds, due.freshness_target, due.healthy_target, due.severe_drift_ratio,
         CAST(due.expected_windows AS INTEGER) AS expected_windows,
         {ZEROED}, i.mttd_seconds, i.mttr_seconds
  FROM due LEFT JOIN windows w ON w.model = due.model LEFT JOIN incidents i ON i.model = due.model
), shares AS (
  SELECT totals.*,
         {d.share("evaluated_windows", "expected_windows")} AS coverage,
         {d.share("on_time_windows", "expected_windows")} AS on_time_share,
         {d.share("succeeded_runs", "runs")} AS success_rate,
         {d.share("healthy_windows", "evaluated_windows")} AS healthy_share
  FROM totals
)"""


SUMMARY_COLUMNS = """model, interval_seconds, expected_windows, evaluated_windows, on_time_windows, coverage,
       on_time_share, freshness_target, freshness_budget_left, runs, succeeded_runs, success_rate,
       healthy_windows, critical_windows, labeled_windows, healthy_share, healthy_target,
       healthy_budget_left, incidents, open_incidents, mttd_seconds, mttr_seconds, severe_drift_ratio"""


def summary(d: Dialect, p: Period) -> str:
    """One row per model: freshness, job success, healthy time, incidents, error budgets.
    The freshness SLO is judged on the on-time share, the healthy SLO on the healthy share."""
    return f"""{_totals(d, p)}
SELECT {SUMMARY_COLUMNS}
FROM (SELECT shares.*,
             {d.budget_left("on_time_share", "freshness_target")} AS freshness_budget_left,
             {d.budget_left("healthy_share", "healthy_target")} AS healthy_budget_left
      FROM shares) s
ORDER BY model"""


def slos(d: Dialect, p: Period) -> str:
    """The summary's two SLOs as rows: slo, achieved, target, budget_left."""
    return f"""WITH s AS ({summary(d, p)})
SELECT model, 'freshness (on time)' AS slo, on_time_share AS achieved, freshness_target AS target,
       freshness_budget_left AS budget_left FROM s
UNION ALL
SELECT model, 'healthy time', healthy_share, healthy_target, healthy_budget_left FROM s
ORDER BY 1, 2"""


def reasons(d: Dialect, p: Period) -> str:
    """Runs that did not succeed, per model, status and reason (the error up to its first ':')."""
    return f"""{due(d, p)}
SELECT r.model, r.status, r.reason, count(*) AS runs
FROM sla_runs r JOIN due ON due.model = r.model
WHERE r.succeeded = 0 AND {in_period("r", p)}
GROUP BY r.model, r.status, r.reason
ORDER BY r.model, runs DESC, r.status, r.reason"""


def incidents(d: Dialect, p: Period) -> str:
    return f"""{due(d, p)}
SELECT i.model, i.onset, i.detected_at, i.alerted_at, i.ended_at, i.windows, i.critical_windows,
       CAST(i.mttd_seconds AS {d.real}) AS mttd_seconds, CAST(i.mttr_seconds AS {d.real}) AS mttr_seconds
FROM sla_incidents i JOIN due ON due.model = i.model
WHERE {overlaps("i", p)}
ORDER BY i.model, i.onset"""


def worst_features(d: Dialect, p: Period, limit: int = 5) -> str:
    """Per model the `limit` features that drifted in the most windows, then by worst ratio."""
    return f"""{due(d, p)}, per_feature AS (
  SELECT f.model, f.feature, sum(f.drifted) AS drifted_windows, count(*) AS windows,
         max(f.drift_ratio) AS worst_ratio
  FROM sla_feature_windows f JOIN due ON due.model = f.model
  WHERE {in_period("f", p)}
  GROUP BY f.model, f.feature
), ranked AS (
  SELECT per_feature.*, row_number() OVER (
           PARTITION BY model ORDER BY drifted_windows DESC, coalesce(worst_ratio, 0) DESC, feature) AS rank
  FROM per_feature
)
SELECT model, rank, feature, drifted_windows, windows, worst_ratio
FROM ranked WHERE rank <= {int(limit)} ORDER BY model, rank"""


def heatmap(d: Dialect, p: Period) -> str:
    """Features × UTC days of window ends: the worst drift ratio and the drifted windows."""
    return f"""{due(d, p)}
SELECT f.model, f.feature, f.day, max(f.drift_ratio) AS worst_ratio, sum(f.drifted) AS drifted_windows,
       count(*) AS windows
FROM sla_feature_windows f JOIN due ON due.model = f.model
WHERE {in_period("f", p)}
GROUP BY f.model, f.feature, f.day
ORDER BY f.model, f.feature, f.day"""

"""The period aggregation of the SLA views: the one SQL both the dashboard and the report run.

The views (migration 0005) define each run's flags and each incident; these queries only add
them up over a period. A `Period` says how the period reaches the SQL: Grafana's macros and
variables for the dashboard (PostgreSQL), bound parameters for the report (either backend).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Dialect:
    epoch: str  # seconds since 1970 of a timestamp expression, column or bound value
    floor: str
    real: str  # the floating-point type: counts divided as integers would truncate

    def share(self, part: str, whole: str) -> str:
        return f"CAST({part} AS {self.real}) / NULLIF({whole}, 0)"

    def budget_left(self, achieved: str, target: str) -> str:
        """(budget − used) / budget, with budget = 1 − target and used = 1 − achieved."""
        return f"CAST(({achieved}) - {target} AS {self.real}) / NULLIF(1 - {target}, 0)"


POSTGRES = Dialect("extract(epoch FROM CAST({} AS timestamptz))", "floor({})", "double precision")
# SQLite keeps timestamps as UTC text; julianday()'s float error is rounded away at the
# millisecond, so a multiple of the period divides exactly. CAST truncates: floor for x ≥ 0,
# and every use below is guarded to x ≥ 0.
SQLITE = Dialect("round((julianday({}) - 2440587.5) * 86400.0, 3)", "CAST({} AS INTEGER)", "REAL")
DIALECTS = {"postgresql": POSTGRES, "sqlite": SQLITE}


@dataclass(frozen=True)
class Period:
    start: str  # SQL of the period's bounds as timestamps: (start, end]
    end: str
    models: str  # what follows `model IN`
    now: str  # epoch seconds of now: a window counts once its on-time deadline has passed


GRAFANA = Period("$__timeFrom()", "$__timeTo()", "(${model:sqlstring})", "extract(epoch FROM now())")
BOUND = Period(":start", ":end", ":models", ":now")  # an expanding parameter brings its parentheses


def _due(d: Dialect, p: Period) -> str:
    """Per model, the last window end that counts (upto) and the expected windows up to it:
    the ticks first_window_end + k·interval, k ≥ 0, in (start, upto], upto = min(end, now −
    interval). A model is expected from its first recorded window on."""
    end, start = d.epoch.format(p.end), d.epoch.format(p.start)
    upto = f"CASE WHEN {end} < {p.now} - interval_seconds THEN {end} ELSE {p.now} - interval_seconds END"
    ticks_to = d.floor.format("({} - first_window_end_epoch) / interval_seconds") + " + 1"
    return f"""
WITH bounds AS (
  SELECT m.*, {start} AS from_epoch, {upto} AS upto_epoch
  FROM sla_models m WHERE m.model IN {p.models}
), counted AS (
  SELECT bounds.*,
         CASE WHEN first_window_end_epoch IS NULL OR upto_epoch < first_window_end_epoch THEN 0
              ELSE {ticks_to.format("upto_epoch")}
                   - CASE WHEN from_epoch < first_window_end_epoch THEN 0
                          ELSE {ticks_to.format("from_epoch")} END
         END AS ticks
  FROM bounds
), due AS (
  SELECT counted.*, CASE WHEN ticks > 0 THEN ticks ELSE 0 END AS expected_windows FROM counted
)"""


# Each condition names the models itself, although the join with `due` implies them: only a
# condition on the view's own column reaches the runs index (and, in sla_incidents, keeps
# PostgreSQL from walking every model's history).


def _in_period(alias: str, p: Period) -> str:
    # window_end for the index, window_end_epoch for the due cut.
    return (
        f"{alias}.model IN {p.models} AND {alias}.window_end > {p.start} AND {alias}.window_end <= {p.end} "
        f"AND {alias}.window_end_epoch <= due.upto_epoch"
    )


def _overlaps(alias: str, p: Period) -> str:
    """Incidents with a drifted window in the period, or open across it."""
    return (
        f"{alias}.model IN {p.models} AND {alias}.first_window_end <= {p.end} "
        f"AND {alias}.last_window_end > {p.start}"
    )


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
    return f"""{_due(d, p)}, windows AS ({WINDOW_COUNTS}
  WHERE {_in_period("r", p)}
  GROUP BY r.model
), incidents AS (
  SELECT i.model, count(*) AS incidents, count(*) - count(i.ended_at) AS open_incidents,
         CAST(avg(i.mttd_seconds) AS {d.real}) AS mttd_seconds,
         CAST(avg(i.mttr_seconds) AS {d.real}) AS mttr_seconds
  FROM sla_incidents i JOIN due ON due.model = i.model
  WHERE {_overlaps("i", p)}
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
    return f"""{_due(d, p)}
SELECT r.model, r.status, r.reason, count(*) AS runs
FROM sla_runs r JOIN due ON due.model = r.model
WHERE r.succeeded = 0 AND {_in_period("r", p)}
GROUP BY r.model, r.status, r.reason
ORDER BY r.model, runs DESC, r.status, r.reason"""


def incidents(d: Dialect, p: Period) -> str:
    return f"""{_due(d, p)}
SELECT i.model, i.onset, i.detected_at, i.alerted_at, i.ended_at, i.windows, i.critical_windows,
       CAST(i.mttd_seconds AS {d.real}) AS mttd_seconds, CAST(i.mttr_seconds AS {d.real}) AS mttr_seconds
FROM sla_incidents i JOIN due ON due.model = i.model
WHERE {_overlaps("i", p)}
ORDER BY i.model, i.onset"""


def worst_features(d: Dialect, p: Period, limit: int = 5) -> str:
    """Per model the `limit` features that drifted in the most windows, then by worst ratio."""
    return f"""{_due(d, p)}, per_feature AS (
  SELECT f.model, f.feature, sum(f.drifted) AS drifted_windows, count(*) AS windows,
         max(f.drift_ratio) AS worst_ratio
  FROM sla_feature_windows f JOIN due ON due.model = f.model
  WHERE {_in_period("f", p)}
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
    return f"""{_due(d, p)}
SELECT f.model, f.feature, f.day, max(f.drift_ratio) AS worst_ratio, sum(f.drifted) AS drifted_windows,
       count(*) AS windows
FROM sla_feature_windows f JOIN due ON due.model = f.model
WHERE {_in_period("f", p)}
GROUP BY f.model, f.feature, f.day
ORDER BY f.model, f.feature, f.day"""

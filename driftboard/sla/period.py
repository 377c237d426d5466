"""How the SLA queries reach the SQL: the dialect's few differences, and the period, given as
Grafana macros and variables (dashboard, PostgreSQL) or as bound parameters (report, either).

Also the conditions every period query shares: which windows are due, and which incidents
fall in the period.
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


def due(d: Dialect, p: Period) -> str:
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


def in_period(alias: str, p: Period) -> str:
    # window_end for the index, window_end_epoch for the due cut.
    return (
        f"{alias}.model IN {p.models} AND {alias}.window_end > {p.start} AND {alias}.window_end <= {p.end} "
        f"AND {alias}.window_end_epoch <= due.upto_epoch"
    )


def overlaps(alias: str, p: Period) -> str:
    """Incidents with a drifted window in the period, or open across it."""
    return (
        f"{alias}.model IN {p.models} AND {alias}.first_window_end <= {p.end} "
        f"AND {alias}.last_window_end > {p.start}"
    )

"""Drift heatmap: one model's features × runs, each cell the feature's drift ratio.

A drift onset reads as a colour band starting at one column. Rows are ordered worst first:
Grafana's PostgreSQL backend turns the long result into one series per combination of its
text columns and sorts the series by those columns in order, so a zero-padded rank column
placed before `feature` decides the row order; the row is then displayed by its feature.
"""

from grafana_foundation_sdk.builders import statushistory, table
from grafana_foundation_sdk.builders.common import VizLegendOptions
from grafana_foundation_sdk.builders.dashboard import Dashboard
from grafana_foundation_sdk.models import common as cm

from driftboard.dashboards import common as c
from driftboard.dashboards import deadcells
from driftboard.dashboards import style as s

# One model's chosen features in the range (each query repeats it: Grafana sends one statement).
CHOSEN = f"model {c.in_var('model')} AND feature {c.in_var('feature')} AND $__timeFilter(window_end)"
# The UTC days lying wholly inside Grafana's range [from, to] (its $__timeFilter is BETWEEN):
# from the first midnight at or after `from` up to the last midnight at or before `to`.
FIRST_DAY = (
    "date_trunc('day', $__timeFrom()::timestamptz - interval '1 microsecond', 'UTC') + interval '24 hours'"
)
END_DAY = "date_trunc('day', $__timeTo()::timestamptz, 'UTC')"
# Each feature's ratios in the range, exactly, but cheaply: the whole days' maxima from the
# feature_daily rollup (driftboard/store/rollup.py), and the raw rows of the partial days at either
# edge. A row in [FIRST_DAY, END_DAY) is in a whole day; every other row of the range is read
# raw, so nothing is counted twice or missed, also when the range lies within one day.
WORST = f"""
SELECT feature, max_ratio AS ratio FROM feature_daily
WHERE model {c.in_var("model")} AND feature {c.in_var("feature")} AND day >= {FIRST_DAY} AND day < {END_DAY}
UNION ALL
SELECT feature, drift_ratio FROM feature_results WHERE {CHOSEN} AND window_end < {FIRST_DAY}
UNION ALL
SELECT feature, drift_ratio FROM feature_results WHERE {CHOSEN} AND window_end >= {END_DAY}"""
# The ranks are computed once, as a feature → rank lookup, so the cells stream in time order
# straight from the (model, window_end) index, unsorted otherwise: Grafana needs the rows in
# time order only, as it sorts the series itself. A join to the ranks would sort all of the
# range's cells instead (72,000 for 30 days of 100 features).
CELLS = f"""
WITH ranks AS (
  SELECT jsonb_object_agg(feature, lpad(position::text, 4, '0')) AS rank_of
  FROM (SELECT feature, row_number() OVER (ORDER BY max(ratio) DESC NULLS LAST, feature) AS position
        FROM ({WORST}) worst GROUP BY feature) ranked
)
SELECT window_end AS time, (SELECT rank_of FROM ranks) ->> feature AS worst_rank, feature,
       CASE status WHEN 'ok' THEN drift_ratio WHEN 'skipped' THEN {s.SKIPPED_CELL} ELSE {s.ERROR_CELL} END
         AS drift_ratio
FROM feature_results
WHERE {CHOSEN}
ORDER BY 1"""

REPORT_AT = "${reports_url}/?model=${model:percentencode}&window_end=${__value.time}"
MODEL = "${model:queryparam}"
FEATURE_CELL = s.dashboard_url(c.UID_FEATURE, MODEL, "var-feature=${__field.labels.feature:percentencode}")
FEATURE_ROW = s.dashboard_url(c.UID_FEATURE, MODEL, "var-feature=${__data.fields.feature:percentencode}")


def grid() -> statushistory.Panel:
    return (
        statushistory.Panel()
        .title("Feature drift ratio per run")
        .description(
            "Rows: features, worst first (highest drift ratio in the range). Columns: runs. A cell is the "
            "feature's drift ratio in that run (≥ 1 drifted, whichever way the test points). A dead "
            "feature (DriftboardFeatureDead) shows 'skipped' (dropped, all null, duplicated) or 'error' "
            "(wrong type, test failed) in its own colour; no cell: no run. The table 'Features not "
            "scored' says why. Click a cell for the run's Evidently report or the feature's drill-down."
        )
        .with_target(c.sql(CELLS, "time_series"))
        .unit(c.RATIO)
        .decimals(2)
        .thresholds(s.ratio_thresholds())
        .color_scheme(s.by_threshold())
        .mappings(s.dead_cells())
        .display_name("${__field.labels.feature}")
        .show_value(cm.VisibilityMode.AUTO)
        .row_height(0.9)
        .legend(VizLegendOptions().show_legend(True).display_mode(cm.LegendDisplayMode.LIST))
        .data_links(
            [
                s.link("Evidently report of this run", REPORT_AT, new_tab=True),
                s.link("Drill down: ${__field.labels.feature}", FEATURE_CELL),
            ]
        )
        .max_data_points(10000)  # one column per run: never let Grafana thin them out
        .span(24)
        .height(14)
    )


def worst_features() -> table.Panel:
    # The latest stattest is one index lookup per feature, so the aggregate reads the index only.
    query = f"""
SELECT feature, max(drift_ratio) AS worst_ratio,
       count(*) FILTER (WHERE drift_detected) AS drifted_runs, count(*) AS runs,
       min(window_end) FILTER (WHERE drift_detected) AS first_drifted,
       max(window_end) FILTER (WHERE drift_detected) AS last_drifted,
       (SELECT l.stattest FROM feature_results l
        WHERE l.model {c.in_var("model")} AND l.feature = f.feature AND $__timeFilter(l.window_end)
        ORDER BY l.window_end DESC LIMIT 1) AS stattest
FROM feature_results f
WHERE {CHOSEN}
GROUP BY feature
ORDER BY worst_ratio DESC NULLS LAST, feature"""
    return (
        table.Panel()
        .title("Features by worst drift ratio")
        .description("Per feature in the range: worst drift ratio, runs drifted, first and last drifted run.")
        .with_target(c.sql(query))
        .unit(c.COUNT)
        .span(12)
        .height(10)
        .override_by_name(*s.link_column("feature", "Drill down: ${__data.fields.feature}", FEATURE_ROW))
        .override_by_name(*s.column("worst_ratio", unit=c.RATIO, decimals=2, display="worst drift ratio"))
        .override_by_name(*s.column("first_drifted", unit=c.TIME))
        .override_by_name(*s.column("last_drifted", unit=c.TIME))
        .override_by_name(*s.column("stattest", unit=c.TEXT))
    )


def runs() -> table.Panel:
    query = f"""
SELECT window_end, status, n_drifted, n_features, share_drifted, {deadcells.SCHEMA_COLUMNS},
       report_path, error
FROM runs
WHERE model {c.in_var("model")} AND $__timeFilter(window_end)
ORDER BY window_end DESC"""
    return (
        table.Panel()
        .title("Runs")
        .description(
            "Every run of the model in the range, with its schema changes (declared columns missing, "
            "undeclared ones added, declared ones of a new type); report_path links to its kept "
            "Evidently report."
        )
        .with_target(c.sql(query))
        .unit(c.COUNT)
        .span(12)
        .height(10)
        .override_by_name(*s.column("window_end", unit=c.TIME))
        .override_by_name(*s.column("share_drifted", unit=c.PERCENT, display="drifted share"))
        .override_by_name(*s.link_column("report_path", "Evidently report", s.REPORT, True, unit=c.TEXT))
        .override_by_name(*s.column("status", unit=c.TEXT, mappings=s.text_colours(RUN_COLOURS)))
        .override_by_name(*s.column("error", unit=c.TEXT))
    )


RUN_COLOURS = {"succeeded": "green", "failed": "red"}


def build() -> Dashboard:
    return (
        c.base(c.UID_HEATMAP, "Drift heatmap", "Per-feature drift of one model over time.")
        .with_variable(c.model_variable(multi=False))
        .with_variable(c.feature_variable())
        .with_variable(c.reports_url_variable())
        .with_panel(grid())
        .with_panel(worst_features())
        .with_panel(runs())
        .with_panel(deadcells.unscored())
    )

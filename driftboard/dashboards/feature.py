"""Feature drill-down: why a feature drifted, run by run, for one model and chosen features."""

from grafana_foundation_sdk.builders import table, timeseries
from grafana_foundation_sdk.builders.common import GraphThresholdsStyleConfig
from grafana_foundation_sdk.builders.dashboard import Dashboard
from grafana_foundation_sdk.models import common as cm
from grafana_foundation_sdk.models import dashboard as dm

from driftboard.dashboards import common as c
from driftboard.dashboards import style as s
from driftboard.dashboards.annotations import prom_annotation, sql_annotation

FROM = (
    f"FROM feature_results WHERE model {c.in_var('model')} AND feature {c.in_var('feature')} "
    "AND $__timeFilter(window_end)"
)
# Series carrying a `feature` label are shown as "<feature> <column>", e.g. "age threshold".
BY_FEATURE = "${__field.labels.feature} ${__field.name}"


def drift_ratio() -> timeseries.Panel:
    query = f"SELECT window_end AS time, feature AS metric, drift_ratio {FROM} ORDER BY 1, 2"
    description = "Score relative to the threshold, so that ≥ 1 means drifted whichever way the test points."
    return (
        c.sql_series("Drift ratio", description, query, c.RATIO)
        .thresholds(s.ratio_thresholds())
        .thresholds_style(GraphThresholdsStyleConfig().mode(cm.GraphThresholdsStyleMode.DASHED))
    )


def score_vs_threshold() -> timeseries.Panel:
    query = f"SELECT window_end AS time, feature, score, threshold {FROM} ORDER BY 1, 2"
    description = (
        "The stattest's raw score and its threshold (dashed). For p-value tests drift is a score below "
        "the threshold, for distances a score above it; the stattest is in the table below."
    )
    dashed = [dm.DynamicConfigValue(id_val="custom.lineStyle", value={"fill": "dash", "dash": [10, 10]})]
    return (
        c.sql_series("Score vs threshold", description, query, c.RATIO)
        .display_name(BY_FEATURE)
        .override_by_regexp(".* threshold$", dashed)
    )


def null_share() -> timeseries.Panel:
    query = (
        "SELECT window_end AS time, feature, null_share AS current, reference_null_share AS reference "
        f"{FROM} ORDER BY 1, 2"
    )
    description = "Share of missing values, current window vs reference."
    return c.sql_series("Null share", description, query, c.PERCENT, 8).display_name(BY_FEATURE)


def unseen_share() -> timeseries.Panel:
    query = (
        f"SELECT window_end AS time, feature AS metric, unseen_share {FROM} AND unseen_share IS NOT NULL "
        "ORDER BY 1, 2"
    )
    description = "Share of current rows with a category the reference never saw (categorical features only)."
    return c.sql_series("Unseen categories", description, query, c.PERCENT, 8)


def row_counts() -> timeseries.Panel:
    query = (
        "SELECT window_end AS time, reference_rows, current_rows FROM runs "
        f"WHERE model {c.in_var('model')} AND $__timeFilter(window_end) ORDER BY 1"
    )
    description = "Rows in the reference and in the current window of each run."
    return c.sql_series("Rows per run", description, query, c.COUNT, 8)


def latest_results() -> table.Panel:
    query = f"""
SELECT DISTINCT ON (feature) feature, stattest, column_type, role, status, reason, score, threshold,
       drift_ratio, drift_detected, window_end AS last_run
{FROM}
ORDER BY feature, window_end DESC"""
    return (
        table.Panel()
        .title("Stattest and latest result")
        .description("Each selected feature's test and its result in the latest run of the range.")
        .with_target(c.sql(query))
        .unit(c.RATIO)
        .span(24)
        .height(7)
        .override_by_name(*s.column("last_run", unit=c.TIME))
        .override_by_name(*s.column("drift_ratio", decimals=2, thresholds=s.ratio_thresholds().build()))
    )


def drifted_runs() -> table.Panel:
    query = f"""
SELECT f.window_end, f.feature, f.stattest, f.score, f.threshold, f.drift_ratio, r.report_path
FROM feature_results f JOIN runs r ON r.id = f.run_id
WHERE f.model {c.in_var("model")} AND f.feature {c.in_var("feature")} AND $__timeFilter(f.window_end)
  AND f.drift_detected
ORDER BY f.window_end DESC, f.drift_ratio DESC"""
    return (
        table.Panel()
        .title("Runs where a selected feature drifted")
        .description("The runs behind feature-drift alerts; report_path opens the run's Evidently report.")
        .with_target(c.sql(query))
        .unit(c.RATIO)
        .span(24)
        .height(8)
        .override_by_name(*s.column("window_end", unit=c.TIME))
        .override_by_name(*s.link_column("report_path", "Evidently report", s.REPORT, True, unit=c.TEXT))
    )


def build() -> Dashboard:
    drifted = f"""
SELECT window_end AS time,
       'Drifted: ' || string_agg(feature || ' (' || round(coalesce(drift_ratio, 0)::numeric, 2) || ')', ', '
                                 ORDER BY drift_ratio DESC NULLS LAST) AS text,
       'drift' AS tags
{FROM} AND drift_detected
GROUP BY window_end ORDER BY 1"""
    failed = f"""
SELECT window_end AS time, 'Run failed: ' || coalesce(error, 'no error recorded') AS text, 'failed' AS tags
FROM runs WHERE model {c.in_var("model")} AND status = 'failed' AND $__timeFilter(window_end) ORDER BY 1"""
    alerts = 'ALERTS{alertname=~"Driftboard.*", alertstate="firing", model="$model"}'
    templates = ("{{alertname}}", "{{feature}} {{severity}}", "severity,feature")
    return (
        c.base(c.UID_FEATURE, "Feature drill-down", "Score, threshold and data quality of chosen features.")
        .with_variable(c.model_variable(multi=False))
        .with_variable(c.feature_variable())
        .with_variable(c.reports_url_variable())
        .annotation(sql_annotation("Feature drifted", "orange", drifted))
        .annotation(sql_annotation("Run failed", "red", failed))
        .annotation(prom_annotation("Alerts", "purple", alerts, *templates))
        .with_panel(drift_ratio())
        .with_panel(score_vs_threshold())
        .with_panel(latest_results())
        .with_panel(null_share())
        .with_panel(unseen_share())
        .with_panel(row_counts())
        .with_panel(drifted_runs())
    )

"""Drift overview: every model's latest state on one screen, each a click from its heatmap."""

from grafana_foundation_sdk.builders import stat, table, timeseries
from grafana_foundation_sdk.builders.common import GraphThresholdsStyleConfig
from grafana_foundation_sdk.builders.dashboard import Dashboard
from grafana_foundation_sdk.models import common as cm

from driftboard.dashboards import common as c
from driftboard.dashboards import style as s

# The latest run per model as of the range's end, judged like the alerts judge it: by the
# model's own levels and schedule interval, which each run stores (sla_models, migration 0008).
# A model without a run since migration 0005 has no row: the config's defaults and its
# window's length stand in. One index lookup per selected model (LATERAL ... LIMIT 1), not a
# sort of every run.
LATEST_STATUS = f"""
WITH latest AS (
  SELECT r.* FROM unnest(ARRAY[${{model:sqlstring}}]::text[]) AS m(model)
  CROSS JOIN LATERAL (SELECT id, model, status, window_start, window_end, share_drifted,
                             n_drifted, n_features, error
                      FROM runs WHERE runs.model = m.model AND window_end <= $__timeTo()
                      ORDER BY window_end DESC LIMIT 1) r
), judged AS (
  SELECT l.*, prev.share_drifted AS previous_share, ok.window_end AS last_success, worst.ratio AS worst_ratio,
         coalesce(m.drift_share_critical, {c.LEVELS.drift_share_critical_ratio:g}) AS critical_share,
         coalesce(m.severe_drift_ratio, {c.LEVELS.severe_drift_ratio:g}) AS severe_ratio,
         $__timeTo()::timestamptz - l.window_end
           > coalesce(m.stale_intervals, {c.LEVELS.stale_intervals:g})
             * coalesce(m.interval_seconds * interval '1 second', l.window_end - l.window_start)
           AS stale
  FROM latest l
  LEFT JOIN sla_models m ON m.model = l.model
  LEFT JOIN LATERAL (SELECT p.window_end, p.share_drifted FROM runs p
                     WHERE p.model = l.model AND p.window_end < l.window_end
                     ORDER BY p.window_end DESC LIMIT 1) prev ON true
  LEFT JOIN LATERAL (SELECT s.window_end FROM runs s
                     WHERE s.model = l.model AND s.status = 'succeeded' AND s.window_end <= l.window_end
                     ORDER BY s.window_end DESC LIMIT 1) ok ON true
  LEFT JOIN LATERAL (SELECT max(f.drift_ratio) AS ratio FROM feature_results f  -- window_end: one partition
                     WHERE f.run_id = l.id AND f.window_end = l.window_end) worst ON true
), rated AS (
  SELECT judged.*, CASE
           WHEN stale THEN 'stale'
           WHEN status = 'failed' THEN 'failing'
           WHEN share_drifted >= critical_share OR worst_ratio >= severe_ratio THEN 'critical'
           WHEN n_drifted > 0 THEN 'warning'
           ELSE 'ok' END AS state
  FROM judged
)"""
ORDER = "array_position(ARRAY['critical', 'failing', 'stale', 'warning', 'ok'], state)"


def models_table() -> table.Panel:
    query = f"""{LATEST_STATUS}
SELECT model, state AS status, share_drifted, share_drifted - previous_share AS share_change,
       n_drifted, n_features, worst_ratio, window_end AS last_run, last_success, error
FROM rated ORDER BY {ORDER}, model"""
    heatmap = s.dashboard_url(c.UID_HEATMAP, "var-model=${__data.fields.model:percentencode}")
    return (
        table.Panel()
        .title("Models: latest status")
        .description(
            "One row per model, as of the end of the time range, judged by the model's own alert "
            "levels (its spec's alerts:, else alerting/config.yml's). critical: drifted share ≥ "
            f"drift_share_critical (default {c.LEVELS.drift_share_critical_ratio:.0%}) or a feature's "
            f"drift ratio ≥ severe_drift_ratio (default {c.LEVELS.severe_drift_ratio:g}); warning: some "
            "feature drifted; failing: the latest run failed; stale: no run for stale_intervals "
            f"(default {c.LEVELS.stale_intervals:g}) schedule intervals. share_change is the drifted "
            "share minus the previous run's. Click a model for its heatmap."
        )
        .with_target(c.sql(query))
        .unit(c.RATIO)
        .span(24)
        .height(9)
        .override_by_name(*s.link_column("model", "Heatmap of ${__data.fields.model}", heatmap))
        .override_by_name(*s.column("status", mappings=s.text_colours(s.STATUS_COLOURS), cell=_BACKGROUND))
        .override_by_name(*_share_column())
        .override_by_name(*s.column("share_change", unit=c.PERCENT, display="change"))
        .override_by_name(*s.column("n_drifted", unit=c.COUNT, display="drifted"))
        .override_by_name(*s.column("n_features", unit=c.COUNT, display="features"))
        .override_by_name(*s.column("worst_ratio", decimals=2, display="worst drift ratio"))
        .override_by_name(*s.column("last_run", unit=c.TIME, display="last window end"))
        .override_by_name(*s.column("last_success", unit=c.TIME, display="last success"))
        .override_by_name(*s.column("error", unit=c.TEXT))
    )


_BACKGROUND = {"type": "color-background", "mode": "basic"}


def _share_column() -> s.Override:
    colours = {"thresholds": s.share_thresholds().build(), "color": {"mode": "thresholds"}}
    return s.column(
        "share_drifted", unit=c.PERCENT, display="drifted share", cell={"type": "color-text"}, **colours
    )


def status_counts() -> stat.Panel:
    counts = ", ".join(f"count(*) FILTER (WHERE state = '{s}') AS {s}" for s in s.STATUS_COLOURS)
    panel = (
        stat.Panel()
        .title("Models per status")
        .description("How many of the selected models are in each state (see the table for the rules).")
        .with_target(c.sql(f"{LATEST_STATUS}\nSELECT {counts} FROM rated"))
        .unit(c.COUNT)
        .span(8)
        .height(5)
        .color_mode(cm.BigValueColorMode.BACKGROUND)
    )
    for state, colour in s.STATUS_COLOURS.items():
        panel = panel.override_by_name(*s.column(state, color={"mode": "fixed", "fixedColor": colour}))
    return panel


FIRING = 'ALERTS{alertname=~"Driftboard.*", alertstate="firing"}'


def firing_alerts() -> stat.Panel:
    return (
        stat.Panel()
        .title("Firing driftboard alerts")
        .description("Alerts named Driftboard* that Prometheus currently sends to the Alertmanager.")
        .with_target(c.promql(f"count({FIRING}) or vector(0)", "firing"))
        .unit(c.COUNT)
        .thresholds(s.thresholds("green", (1, "red")))
        .span(4)
        .height(5)
    )


def share_trend() -> timeseries.Panel:
    query = f"""
SELECT $__timeGroupAlias(window_end, $__interval), model AS metric, max(share_drifted) AS share_drifted
FROM runs
WHERE $__timeFilter(window_end) AND model {c.in_var("model")} AND status = 'succeeded'
GROUP BY 1, 2 ORDER BY 1, 2"""
    return (
        timeseries.Panel()
        .title("Drifted share per model")
        .description("Share of scored features that drifted per run (the worst when runs share a point).")
        .with_target(c.sql(query, "time_series"))
        .unit(c.PERCENT)
        .min(0)
        .max(1)
        .thresholds(s.share_thresholds())
        .thresholds_style(GraphThresholdsStyleConfig().mode(cm.GraphThresholdsStyleMode.DASHED))
        .span(12)
        .height(5)
    )


def build() -> Dashboard:
    return (
        c.base(c.UID_OVERVIEW, "Drift overview", "Latest drift state of every monitored model.")
        .with_variable(c.model_variable(multi=True))
        .with_panel(status_counts())
        .with_panel(firing_alerts())
        .with_panel(share_trend())
        .with_panel(models_table())
    )

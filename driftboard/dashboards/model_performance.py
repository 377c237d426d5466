"""Model performance: the judged metric against its threshold, realised from delayed labels and
estimated from the scores before they land (docs/performance.md), the labelled share, every
metric, and a multiclass model's per-class F1."""

from grafana_foundation_sdk.builders import table, timeseries
from grafana_foundation_sdk.builders.dashboard import Dashboard
from grafana_foundation_sdk.models import dashboard as dm

from driftboard.dashboards import common as c
from driftboard.dashboards import style as s


def where(alias: str) -> str:
    return f"{alias}.model {c.in_var('model')} AND $__timeFilter({alias}.window_end)"


# The judged metric (labels.metric, as the model's latest run or refresh registered it), realised
# and estimated, and its threshold at every window either has: three series of one long frame.
JUDGED = f"""
SELECT time, series, value FROM (
  SELECT p.window_end AS time, 'realised ' || p.metric AS series, p.value
  FROM performance_results p JOIN sla_models m ON m.model = p.model AND m.performance_metric = p.metric
  WHERE {where("p")}
  UNION ALL
  SELECT e.window_end, 'estimated ' || e.metric, e.value
  FROM performance_estimates e JOIN sla_models m ON m.model = e.model AND m.performance_metric = e.metric
  WHERE {where("e")}
  UNION ALL
  SELECT w.window_end, 'threshold', m.performance_threshold
  FROM (SELECT model, window_end FROM performance_results p WHERE {where("p")}
        UNION SELECT model, window_end FROM performance_estimates e WHERE {where("e")}) w
  JOIN sla_models m ON m.model = w.model
  WHERE m.performance_threshold IS NOT NULL
) judged ORDER BY 1, 2"""

# Estimates carry every window's labelled rows; realised rows only those of windows computed.
LABELLED = f"""
SELECT window_end AS time, max(n_labeled)::float / nullif(max(n_rows), 0) AS labelled_share
FROM (SELECT window_end, n_rows, n_labeled FROM performance_results p WHERE {where("p")}
      UNION ALL SELECT window_end, n_rows, n_labeled FROM performance_estimates e WHERE {where("e")}) w
GROUP BY window_end ORDER BY 1"""

COMPARED = f"""
SELECT e.window_end, e.metric, e.value AS estimated, p.value AS realised, e.value - p.value AS error,
       p.n_labeled, p.n_rows
FROM performance_estimates e
JOIN performance_results p ON p.model = e.model AND p.window_end = e.window_end AND p.metric = e.metric
WHERE {where("e")}
ORDER BY e.window_end DESC, e.metric"""


def judged() -> timeseries.Panel:
    description = (
        "labels.metric per window: realised once the window's labels landed, estimated from its scores "
        "(binary classifiers with a labelled reference) as soon as it was scored, and labels.threshold "
        "(dashed). An estimate cannot see a change the scores do not show (docs/performance.md)."
    )
    dashed = [dm.DynamicConfigValue(id_val="custom.lineStyle", value={"fill": "dash", "dash": [10, 10]})]
    return (
        c.sql_series("Judged metric vs threshold", description, JUDGED, c.RATIO, 24)
        .display_name("${__field.labels.series}")
        .override_by_name("threshold", dashed)
    )


def labelled_share() -> timeseries.Panel:
    description = "Share of each window's predictions whose label had landed at the latest refresh."
    return c.sql_series("Labelled share", description, LABELLED, c.PERCENT).min(0).max(1)


def every_metric(table_name: str, title: str, description: str) -> timeseries.Panel:
    query = f"SELECT window_end AS time, metric, value FROM {table_name} x WHERE {where('x')} ORDER BY 1, 2"
    return c.sql_series(title, description, query, c.RATIO).display_name("${__field.labels.metric}")


def per_class() -> timeseries.Panel:
    query = (
        "SELECT window_end AS time, class_label, value AS f1 FROM class_performance x "
        f"WHERE {where('x')} AND metric = 'f1' ORDER BY 1, 2"
    )
    description = (
        "A multiclass model's F1 per class (precision, recall and support are in class_performance)."
    )
    return c.sql_series("F1 per class", description, query, c.RATIO).display_name(
        "${__field.labels.class_label}"
    )


def compared() -> table.Panel:
    return (
        table.Panel()
        .title("Estimated vs realised")
        .description("Each window with both: the estimate's error once labels landed (estimated − realised).")
        .with_target(c.sql(COMPARED))
        .unit(c.RATIO)
        .decimals(4)
        .span(12)
        .height(8)
        .override_by_name(*s.column("window_end", unit=c.TIME))
        .override_by_name(*s.column("n_labeled", unit=c.COUNT))
        .override_by_name(*s.column("n_rows", unit=c.COUNT))
    )


def build() -> Dashboard:
    realised = "Every metric computed from the labels, per window (pr_auc: average precision)."
    estimated = "Every metric estimated from the scores alone (CBPE), per window, labelled or not."
    return (
        c.base(c.UID_PERFORMANCE, "Model performance", "Realised and estimated performance of one model.")
        .time("now-30d", "now")
        .with_variable(c.model_variable(multi=False))
        .with_panel(judged())
        .with_panel(labelled_share())
        .with_panel(compared())
        .with_panel(every_metric("performance_results", "Realised metrics", realised))
        .with_panel(every_metric("performance_estimates", "Estimated metrics", estimated))
        .with_panel(per_class())
    )

"""Job health: are the drift runs happening, on time, and reaching Prometheus?"""

from urllib.parse import quote

from grafana_foundation_sdk.builders import stat, statetimeline, table, timeseries
from grafana_foundation_sdk.builders.common import ReduceDataOptions
from grafana_foundation_sdk.builders.dashboard import Dashboard
from grafana_foundation_sdk.models import dashboard as dm

from driftboard.dashboards import common as c
from driftboard.dashboards import style as s

RUNS = f"FROM runs WHERE model {c.in_var('model')} AND $__timeFilter(window_end)"


def run_status() -> statetimeline.Panel:
    query = (
        "SELECT window_end AS time, model AS metric, "
        f"CASE WHEN status = 'succeeded' THEN 1 ELSE 0 END AS succeeded {RUNS} ORDER BY 1, 2"
    )
    labels = {"1": dm.ValueMappingResult(text="succeeded", color="green", index=0)}
    labels["0"] = dm.ValueMappingResult(text="failed", color="red", index=1)
    return (
        statetimeline.Panel()
        .title("Run status")
        .description("Each model's runs at their window's end: green succeeded, red failed.")
        .with_target(c.sql(query, "time_series"))
        .unit(c.RATIO)
        .mappings([dm.ValueMap(options=labels)])
        .max_data_points(10000)
        .span(24)
        .height(6)
    )


def _per_model(title: str, description: str, query: str, unit: str) -> timeseries.Panel:
    return (
        timeseries.Panel()
        .title(title)
        .description(description)
        .with_target(c.sql(query, "time_series"))
        .unit(unit)
        .span(12)
        .height(7)
    )


def duration() -> timeseries.Panel:
    query = f"SELECT window_end AS time, model AS metric, duration_seconds {RUNS} ORDER BY 1, 2"
    return _per_model("Run duration", "Wall-clock time of each run, data loading included.", query, c.SECONDS)


def scheduling_lag() -> timeseries.Panel:
    query = (
        "SELECT window_end AS time, model AS metric, "
        f"extract(epoch FROM started_at - window_end) AS lag_seconds {RUNS} ORDER BY 1, 2"
    )
    description = "How long after its window closed each run started. Backfilled windows show as large lags."
    return _per_model("Scheduling lag", description, query, c.SECONDS)


def failures() -> table.Panel:
    query = f"""
SELECT window_end, model, started_at, duration_seconds, error
{RUNS} AND status = 'failed'
ORDER BY window_end DESC LIMIT 200"""
    return (
        table.Panel()
        .title("Failed runs")
        .description("The latest 200 failed runs in the range with their error.")
        .with_target(c.sql(query))
        .unit(c.TEXT)
        .span(16)
        .height(8)
        .override_by_name(*s.column("window_end", unit=c.TIME))
        .override_by_name(*s.column("started_at", unit=c.TIME))
        .override_by_name(*s.column("duration_seconds", unit=c.SECONDS))
    )


def failure_share() -> stat.Panel:
    query = (
        "SELECT model, avg(CASE WHEN status = 'failed' THEN 1.0 ELSE 0.0 END) AS failed_share "
        f"{RUNS} GROUP BY model ORDER BY model"
    )
    return (
        stat.Panel()
        .title("Failed share of runs")
        .description("Per model, the share of runs in the range that failed.")
        .with_target(c.sql(query))
        .unit(c.PERCENT)
        .thresholds(s.thresholds("green", (1e-9, "orange"), (0.2, "red")))
        .reduce_options(ReduceDataOptions().values(True).calcs(["lastNotNull"]))
        .span(8)
        .height(8)
    )


def push_failures() -> timeseries.Panel:
    expr = 'sum by (model) (increase(driftboard_push_failures_total{model=~"$model"}[$__rate_interval]))'
    return (
        timeseries.Panel()
        .title("Push failures")
        .description("Failed pushes to the Pushgateway (scheduler metric): Prometheus then has stale values.")
        .with_target(c.promql(expr, "{{model}}"))
        .unit(c.COUNT)
        .span(8)
        .height(7)
    )


def since_success() -> stat.Panel:
    expr = 'time() - max by (model) (driftboard_run_last_success_timestamp_seconds{model=~"$model"})'
    return (
        stat.Panel()
        .title("Since the last successful run")
        .description("Time since each model's last successful run, as last pushed to Prometheus.")
        .with_target(c.promql(expr, "{{model}}"))
        .unit(c.SECONDS)
        .span(8)
        .height(7)
    )


def firing_alerts() -> table.Panel:
    expr = 'ALERTS{alertname=~"Driftboard.*"}'
    return (
        table.Panel()
        .title("Driftboard alerts now")
        .description("Pending and firing Driftboard* alerts, as Prometheus sends them to the Alertmanager.")
        .with_target(c.promql(expr, "{{alertname}}", instant=True))
        .unit(c.TEXT)
        .span(8)
        .height(7)
    )


def build() -> Dashboard:
    groups = f"/alerting/groups?alertmanager={quote(c.ALERTMANAGER_NAME)}"
    return (
        c.base(c.UID_JOB_HEALTH, "Job health", "Whether drift runs happen, on time, and reach Prometheus.")
        .with_variable(c.model_variable(multi=True))
        .link(s.link("Alertmanager: alert groups", groups).icon("bolt"))
        .with_panel(run_status())
        .with_panel(duration())
        .with_panel(scheduling_lag())
        .with_panel(failures())
        .with_panel(failure_share())
        .with_panel(push_failures())
        .with_panel(since_success())
        .with_panel(firing_alerts())
    )

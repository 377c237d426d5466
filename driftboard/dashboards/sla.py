"""SLA summary: each model's monitoring freshness, job success, healthy time and incidents over
the dashboard's time range, against its SLO targets, coloured by the error budget left.

Every query is driftboard.sla.queries, the SQL `driftboard report sla` runs too, over the views
of migration 0005 that define the numbers (docs/sla.md).
"""

from grafana_foundation_sdk.builders import dashboard as db
from grafana_foundation_sdk.builders import table
from grafana_foundation_sdk.builders.dashboard import Dashboard

from driftboard.dashboards import common as c
from driftboard.dashboards import style as s
from driftboard.dashboards.sla_model import budget_column, from_summary, row_panels


def overview() -> table.Panel:
    columns = (
        "model, on_time_share, freshness_target, freshness_budget_left, coverage, success_rate, "
        "healthy_share, healthy_target, healthy_budget_left, incidents, open_incidents, "
        "mttd_seconds, mttr_seconds"
    )
    panel = (
        table.Panel()
        .title("SLOs per model")
        .description(
            "Freshness: share of expected windows evaluated successfully before the next tick "
            "(coverage: evaluated at all). Healthy: share of evaluated windows without critical drift "
            "and, where labels landed, with performance at its threshold. Budget left: (budget − used) "
            "/ budget with budget = 1 − target; red when the SLO is missed."
        )
        .with_target(c.sql(from_summary(columns)))
        .unit(c.PERCENT)
        .span(24)
        .height(8)
        .override_by_name(*budget_column("freshness_budget_left", "freshness budget left"))
        .override_by_name(*budget_column("healthy_budget_left", "healthy budget left"))
    )
    for name in ("incidents", "open_incidents"):
        panel = panel.override_by_name(*s.column(name, unit=c.COUNT))
    for name in ("mttd_seconds", "mttr_seconds"):
        panel = panel.override_by_name(*s.column(name, unit=c.SECONDS, display=name.split("_")[0].upper()))
    return panel


def build() -> Dashboard:
    dashboard = (
        c.base(c.UID_SLA, "SLA summary", "Per model: monitoring freshness, healthy time and incidents.")
        .time("now-30d", "now")
        .refresh("1h")  # SLA numbers move slowly, and incidents walk each model's whole history
        .with_variable(c.model_variable(multi=True))
        .with_panel(overview())
        .with_row(db.Row("$model").repeat("model"))
    )
    for panel in row_panels():
        dashboard = dashboard.with_panel(panel)
    return dashboard

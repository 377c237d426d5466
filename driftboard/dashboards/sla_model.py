"""The panels of the SLA dashboard's row per model (repeated over $model), and what the
dashboard's panels share: the summary query and the error-budget colours."""

from grafana_foundation_sdk.builders import dashboard as db
from grafana_foundation_sdk.builders import stat, table
from grafana_foundation_sdk.builders.common import ReduceDataOptions
from grafana_foundation_sdk.models import common as cm

from driftboard.dashboards import common as c
from driftboard.dashboards import style as s
from driftboard.sla import queries as q

D, P = q.POSTGRES, q.GRAFANA
BACKGROUND = {"type": "color-background", "mode": "basic"}
FEATURE = s.dashboard_url(
    c.UID_FEATURE,
    "var-model=${__data.fields.model:percentencode}",
    "var-feature=${__data.fields.feature:percentencode}",
)


def budget_thresholds() -> db.ThresholdsConfig:
    """Share of the error budget left: below 0 the SLO is missed."""
    return s.thresholds("red", (0, "orange"), (0.25, "yellow"), (0.5, "green"))


def budget_column(name: str, display: str) -> s.Override:
    colours = {"thresholds": budget_thresholds().build(), "color": {"mode": "thresholds"}}
    return s.column(name, unit=c.PERCENT, display=display, cell=BACKGROUND, **colours)


def from_summary(columns: str) -> str:
    return f"SELECT {columns}\nFROM ({q.summary(D, P)}) summary\nORDER BY model"


def slos() -> table.Panel:
    return (
        table.Panel()
        .title("SLOs of $model")
        .description("Each SLO's achieved share, target and error budget left over the time range.")
        .with_target(c.sql(q.slos(D, P)))
        .unit(c.PERCENT)
        .span(8)
        .height(6)
        .override_by_name(*budget_column("budget_left", "budget left"))
        .override_by_name(*s.column("slo", unit=c.TEXT, display="SLO"))
        .override_by_name(*s.column("model", unit=c.TEXT))
    )


def number(title: str, description: str, column: str, unit: str) -> stat.Panel:
    return (
        stat.Panel()
        .title(title)
        .description(description)
        .with_target(c.sql(from_summary(f"model, {column}")))
        .unit(unit)
        .reduce_options(ReduceDataOptions().values(True).calcs(["lastNotNull"]))
        .color_mode(cm.BigValueColorMode.NONE)
        .span(4)
        .height(6)
    )


def numbers() -> list[stat.Panel]:
    return [
        number("Runs succeeded", "Share of recorded runs (a skipped gap counts once) that succeeded.",
               "success_rate", c.PERCENT),
        number("Incidents", "Runs of consecutive drifted windows overlapping the range.",
               "incidents", c.COUNT),
        number("MTTD", "Mean time from an incident's onset (its first drifted window's start) to its "
               "first drifted run's end.", "mttd_seconds", c.SECONDS),
        number("MTTR", "Mean time from onset to the end of the last drifted window, resolved "
               "incidents only.", "mttr_seconds", c.SECONDS),
    ]  # fmt: skip


def incidents() -> table.Panel:
    times = ("onset", "detected_at", "alerted_at", "ended_at")
    panel = (
        table.Panel()
        .title("Incident timeline")
        .description(
            "Consecutive drifted windows (a failed run neither extends nor ends one). First alert: the "
            "run where a feature drifted feature_drift_runs times in a row, or the first critical run. "
            "An empty end: still drifting."
        )
        .with_target(c.sql(q.incidents(D, P)))
        .unit(c.COUNT)
        .span(12)
        .height(8)
    )
    for name in times:
        panel = panel.override_by_name(*s.column(name, unit=c.TIME))
    for name in ("mttd_seconds", "mttr_seconds"):
        panel = panel.override_by_name(*s.column(name, unit=c.SECONDS))
    return panel.override_by_name(*s.column("model", unit=c.TEXT))


def worst_features() -> table.Panel:
    return (
        table.Panel()
        .title("Worst features")
        .description("The five features drifted in the most windows, then by worst drift ratio.")
        .with_target(c.sql(q.worst_features(D, P)))
        .unit(c.COUNT)
        .span(6)
        .height(8)
        .override_by_name(*s.link_column("feature", "Drill down: ${__data.fields.feature}", FEATURE))
        .override_by_name(*ratio_column())
        .override_by_name(*s.column("model", unit=c.TEXT))
    )


def ratio_column() -> s.Override:
    colours = {"thresholds": s.ratio_thresholds().build(), "color": {"mode": "thresholds"}}
    return s.column("worst_ratio", unit=c.RATIO, decimals=2, cell={"type": "color-text"}, **colours)


def reasons() -> table.Panel:
    return (
        table.Panel()
        .title("Why runs did not succeed")
        .description("Failed and skipped runs per reason (the error up to its first colon).")
        .with_target(c.sql(q.reasons(D, P)))
        .unit(c.COUNT)
        .span(6)
        .height(8)
        .override_by_name(*s.column("reason", unit=c.TEXT))
        .override_by_name(*s.column("model", unit=c.TEXT))
    )


def row_panels() -> list[table.Panel | stat.Panel]:
    return [slos(), *numbers(), incidents(), worst_features(), reasons()]

"""The SLA dashboard's SQL, as Grafana sends it (macro expander, read-only role), on sla_history:
the hand-worked numbers, and exactly the rows the report computes for the same period."""

from typing import Any

import pytest
from sqlalchemy import Engine

from driftboard.dashboards import inventory
from driftboard.dashboards.common import UID_SLA
from driftboard.sla.data import fetch
from tests.support.dashboard_support import GENERATED, Result, run_sql
from tests.support.grafana_macros import QueryRange
from tests.support.sla_expected import ALPHA, BETA, INCIDENTS, assert_numbers, by_model
from tests.support.sla_history import DAY

RANGE = QueryRange(DAY.start, DAY.end, "1h")
MODELS = ["alpha", "beta", "gamma"]
# Panel → the report's rows it shows (the report's own query names).
SOURCES = {
    "panel SLOs per model": "summary",
    "panel Runs succeeded": "summary",
    "panel Incidents": "summary",
    "panel MTTD": "summary",
    "panel MTTR": "summary",
    "panel Incident timeline": "incidents",
    "panel Worst features": "worst_features",
    "panel Why runs did not succeed": "reasons",
}


def targets() -> dict[str, inventory.Target]:
    dashboard = inventory.load(GENERATED)[UID_SLA]
    return {t.origin: t for t in inventory.targets(dashboard) if t.language == "sql"}


def panel(engine: Engine, origin: str, model: Any = MODELS) -> Result:
    return run_sql(engine, targets()[origin].text, {"model": model}, RANGE)


def approx(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Floats within rounding (the same SQL, but psycopg2 and Grafana-style literals differ)."""
    return [{k: pytest.approx(v) if isinstance(v, float) else v for k, v in r.items()} for r in rows]


def test_every_sql_panel_is_compared() -> None:
    assert set(targets()) == {*SOURCES, "panel SLOs of $model", "variable model"}


@pytest.mark.parametrize("origin", sorted(SOURCES))
def test_panel_shows_what_the_report_computes(sla_grafana: Engine, origin: str) -> None:
    shown = panel(sla_grafana, origin)
    report = fetch(sla_grafana, DAY, MODELS)[SOURCES[origin]]
    assert shown.rows, origin
    assert shown.dicts() == approx([{c: row[c] for c in shown.columns} for row in report])


def test_overview_has_the_hand_worked_numbers(sla_grafana: Engine) -> None:
    rows = by_model(panel(sla_grafana, "panel SLOs per model").dicts())
    assert list(rows) == MODELS
    shown = set(rows["alpha"])
    assert_numbers(rows["alpha"], {k: v for k, v in ALPHA.items() if k in shown})
    assert_numbers(rows["beta"], {k: v for k, v in BETA.items() if k in shown})


def test_incident_timeline_has_the_hand_worked_incidents(sla_grafana: Engine) -> None:
    rows = panel(sla_grafana, "panel Incident timeline").dicts()
    keys = ("onset", "detected_at", "alerted_at", "ended_at", "windows", "critical_windows")
    assert [(*(r[k] for k in keys), r["mttd_seconds"], r["mttr_seconds"]) for r in rows] == INCIDENTS


def test_slo_rows_pair_achieved_with_target_and_budget(sla_grafana: Engine) -> None:
    rows = panel(sla_grafana, "panel SLOs of $model", "alpha").dicts()  # as in alpha's repeated row
    assert [(r["model"], r["slo"]) for r in rows] == [
        ("alpha", "freshness (on time)"),
        ("alpha", "healthy time"),
    ]
    freshness, healthy = rows
    assert (freshness["achieved"], freshness["target"]) == (pytest.approx(17 / 24), 0.9)
    assert freshness["budget_left"] == pytest.approx(ALPHA["freshness_budget_left"])
    assert (healthy["achieved"], healthy["budget_left"]) == pytest.approx(
        (16 / 18, ALPHA["healthy_budget_left"])
    )


def test_a_repeated_row_shows_its_model_only(sla_grafana: Engine) -> None:
    for origin in SOURCES:
        assert set(panel(sla_grafana, origin, "beta").column("model")) <= {"beta"}, origin

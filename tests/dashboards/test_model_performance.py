"""The performance dashboard's panels on the seeded history (tests/support/dashboard_history.py),
run as Grafana's read-only role after macro expansion."""

from typing import Any

import pytest
from sqlalchemy import Engine

from tests.dashboards.test_dashboards_queries import long_to_wide, query
from tests.support.dashboard_history import CLASSES, INCOME_ONSET, LABELLED, end_of

UID = "driftboard-performance"


def test_judged_metric_realised_estimated_and_threshold(grafana: Engine, dashboards: dict[str, Any]) -> None:
    wide = long_to_wide(query(grafana, dashboards, UID, "panel Judged metric vs threshold"))
    assert list(wide) == [("estimated f1",), ("realised f1",), ("threshold",)]
    realised, estimated = wide[("realised f1",)], wide[("estimated f1",)]
    assert sorted(realised) == [end_of(r) for r in range(1, LABELLED + 1)]
    assert sorted(estimated) == [end_of(r) for r in range(1, 49)]  # labelled or not
    assert set(wide[("threshold",)].values()) == {0.7}
    below = [t for t, v in sorted(estimated.items()) if v < 0.7]
    assert below[0] == end_of(INCOME_ONSET) == min(t for t, v in realised.items() if v < 0.7)
    assert realised[end_of(1)] == 0.8
    assert estimated[end_of(1)] == pytest.approx(0.79)


def test_labelled_share_covers_the_windows_without_labels(
    grafana: Engine, dashboards: dict[str, Any]
) -> None:
    rows = query(grafana, dashboards, UID, "panel Labelled share").rows
    assert dict(rows) == {end_of(r): (0.96 if r <= LABELLED else 0.0) for r in range(1, 49)}


def test_estimation_error_per_window(grafana: Engine, dashboards: dict[str, Any]) -> None:
    rows = query(grafana, dashboards, UID, "panel Estimated vs realised").dicts()
    assert rows[0]["window_end"] == end_of(LABELLED)  # newest first
    assert {r["metric"]: round(r["error"], 6) for r in rows} == {"f1": -0.01, "accuracy": -0.01}


def test_per_class_f1_of_a_multiclass_model(grafana: Engine, dashboards: dict[str, Any]) -> None:
    result = query(grafana, dashboards, UID, "panel F1 per class", variables={"model": "fraud"})
    assert len(result.rows) == 12 * len(CLASSES)
    assert {label: f1 for _, label, f1 in result.rows} == pytest.approx(
        {"legit": 0.5, "fraud": 0.6, "review": 0.7}
    )

"""A succeeded run's data-health series (driftboard.prometheus.dataseries): every declared
feature's status, scored or not, the schema changes and what the alerts compare with.

Issue 15: before, only scored features were pushed, so a dead feature's series vanished and
its alerts resolved; schema changes were in no metric at all.
"""

from datetime import timedelta

from prometheus_client import CollectorRegistry

from driftboard.jobs.spec import Alerts
from driftboard.jobs.window import Window
from driftboard.prometheus.metrics import RunContext, run_registry
from driftboard.results import Evaluation, FeatureOutcome
from tests.support.helpers import WINDOW_END

WINDOW = Window(WINDOW_END - timedelta(hours=1), WINDOW_END)
FEATURES = (
    FeatureOutcome("x", "feature", "numerical", "ok", stattest="ks", score=0.5, threshold=0.05),
    FeatureOutcome("y", "feature", "numerical", "skipped", "no values", reason_class="all_null"),
    FeatureOutcome("c", "feature", "categorical", "skipped", "missing", reason_class="missing"),
    FeatureOutcome("z", "feature", "numerical", "error", "not numeric", reason_class="wrong_type"),
)
CHANGES = {
    "missing": ["c"],
    "added": ["extra1", "extra2"],
    "dtype_changed": {"z": {"reference": "float64", "current": "object"}},
}


def registry(expected_rows: float | None = 400.0) -> CollectorRegistry:
    outcome = Evaluation(
        "m", WINDOW, "succeeded", WINDOW_END, WINDOW_END, current_rows=40, schema_changes=CHANGES,
        features=FEATURES,
    )  # fmt: skip
    ctx = RunContext(3600, WINDOW_END, {}, Alerts(), model_drift_runs=2, expected_rows=expected_rows)
    return run_registry(outcome, ctx)


def test_every_declared_feature_has_a_status_series_with_its_reason_class() -> None:
    reg = registry()
    expected = {
        ("x", "ok", "none"),
        ("y", "skipped", "all_null"),
        ("c", "skipped", "missing"),
        ("z", "error", "wrong_type"),
    }
    (family,) = [m for m in reg.collect() if m.name == "driftboard_feature_status"]
    pushed = {(s.labels["feature"], s.labels["status"], s.labels["reason"]) for s in family.samples}
    assert pushed == expected
    assert {s.value for s in family.samples} == {1.0}


def test_schema_changes_are_counted_and_changed_dtypes_named() -> None:
    reg = registry()
    counts = {
        change: reg.get_sample_value("driftboard_run_schema_changes", {"model": "m", "change": change})
        for change in ("missing", "added", "dtype_changed")
    }
    assert counts == {"missing": 1, "added": 2, "dtype_changed": 1}
    assert reg.get_sample_value("driftboard_feature_dtype_changed", {"model": "m", "feature": "z"}) == 1


def test_a_run_without_schema_changes_pushes_zeros() -> None:
    outcome = Evaluation("m", WINDOW, "succeeded", WINDOW_END, WINDOW_END, features=FEATURES[:1])
    reg = run_registry(outcome, RunContext(3600, WINDOW_END, {}, Alerts()))
    assert reg.get_sample_value("driftboard_run_schema_changes", {"model": "m", "change": "added"}) == 0
    assert reg.get_sample_value("driftboard_model_drift_consecutive_runs", {"model": "m"}) == 0


def test_the_streak_and_the_volume_baseline_are_pushed_with_the_run() -> None:
    reg = registry()
    assert reg.get_sample_value("driftboard_model_drift_consecutive_runs", {"model": "m"}) == 2
    assert reg.get_sample_value("driftboard_run_expected_rows", {"model": "m"}) == 400
    # Without a baseline (too few recent windows) nothing is pushed, so the alert cannot fire.
    assert (
        registry(expected_rows=None).get_sample_value("driftboard_run_expected_rows", {"model": "m"}) is None
    )

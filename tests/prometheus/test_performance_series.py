"""The performance series a labels refresh pushes: names, labels and values."""

from datetime import UTC, datetime, timedelta

from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from driftboard.jobs.window import Window
from driftboard.prometheus.performance_series import registry
from driftboard.results import PerformanceSnapshot, WindowEstimate, WindowPerformance

END = datetime(2026, 3, 1, 12, tzinfo=UTC)
REALISED = WindowPerformance(Window(END - timedelta(hours=1), END), 200, 190, {"f1": 0.61, "accuracy": 0.9})
ESTIMATE = WindowEstimate(Window(END, END + timedelta(hours=1)), 210, 0, {"f1": 0.58})


def samples(state: PerformanceSnapshot) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = generate_latest(registry(state)).decode()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def state(threshold: float | None, **changes: object) -> PerformanceSnapshot:
    values: dict[str, object] = {
        "model": "churn", "realised": REALISED, "estimated": ESTIMATE, "metric": "f1", "threshold": threshold,
        "degraded_windows": 2, "alert_windows": 3, "severity": "critical",
    }  # fmt: skip
    return PerformanceSnapshot(**(values | changes))  # type: ignore[arg-type]


def test_the_newest_windows_and_the_alert_inputs() -> None:
    m = (("model", "churn"),)
    assert samples(state(0.7)) == {
        ("driftboard_performance", (("metric", "accuracy"), *m)): 0.9,
        ("driftboard_performance", (("metric", "f1"), *m)): 0.61,
        ("driftboard_performance_labelled_ratio", m): 0.95,
        ("driftboard_performance_window_end_timestamp_seconds", m): END.timestamp(),
        ("driftboard_performance_estimated", (("metric", "f1"), *m)): 0.58,
        ("driftboard_performance_estimated_window_end_timestamp_seconds", m): END.timestamp() + 3600,
        ("driftboard_performance_threshold", (("metric", "f1"), *m)): 0.7,
        ("driftboard_performance_degraded_windows", (("metric", "f1"), *m, ("severity", "critical"))): 2,
        ("driftboard_performance_alert_windows", m): 3,
    }


def test_without_a_threshold_or_labels_only_what_exists_is_pushed() -> None:
    got = samples(state(None, realised=None))
    assert {name for name, _ in got} == {
        "driftboard_performance_estimated",
        "driftboard_performance_estimated_window_end_timestamp_seconds",
    }

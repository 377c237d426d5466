"""A model's newest performance as the refresh pushes it: newest windows, and the streak of
windows on the wrong side of labels.threshold."""

from datetime import timedelta
from typing import Any

import pytest

from driftboard.jobs.spec import JobSpec
from driftboard.jobs.window import Window
from driftboard.results import WindowEstimate, WindowPerformance
from driftboard.store import connect, performance_rows
from driftboard.store.performance_state import snapshot
from tests.support.helpers import WINDOW_END, spec_dict

H = timedelta(hours=1)


def spec(**labels: Any) -> JobSpec:
    columns = {"numerical": ["x"], "prediction": {"name": "p"}, "target": "t"}
    return JobSpec.model_validate(spec_dict(columns=columns, labels=labels))


def window(hour: int) -> Window:
    return Window(WINDOW_END + (hour - 1) * H, WINDOW_END + hour * H)


def store(url: str, job: JobSpec, metric: str, values: list[float], estimated_hours: int) -> None:
    realised = [WindowPerformance(window(h), 100, 90 + h, {metric: v}) for h, v in enumerate(values)]
    estimates = [WindowEstimate(window(h), 100, 0, {metric: 0.5}) for h in range(estimated_hours)]
    engine = connect.make_engine(url)
    performance_rows.replace_windows(engine, job, realised, WINDOW_END, estimates)
    engine.dispose()


def taken(url: str, job: JobSpec) -> Any:
    engine = connect.make_engine(url)
    try:
        return snapshot(engine, job, "warning")
    finally:
        engine.dispose()


def test_the_newest_windows_and_the_streak(store_url: str) -> None:
    job = spec(metric="f1", threshold=0.7, alert_windows=2)
    store(store_url, job, "f1", [0.6, 0.8, 0.65, 0.6], estimated_hours=6)  # the newest two miss 0.7
    got = taken(store_url, job)
    assert got.realised is not None
    assert got.estimated is not None
    assert (got.realised.window, got.realised.metrics, got.realised.n_labeled) == (window(3), {"f1": 0.6}, 93)
    assert got.realised.labelled_share == pytest.approx(0.93)
    assert got.estimated.window == window(5)  # estimates run ahead of the labels
    assert (got.metric, got.threshold, got.degraded_windows, got.alert_windows) == ("f1", 0.7, 2, 2)
    assert got.severity == "warning"


@pytest.mark.parametrize(("values", "streak"), [([0.2, 0.4, 0.35], 2), ([0.4, 0.2], 0)])
def test_errors_are_degraded_above_the_threshold(store_url: str, values: list[float], streak: int) -> None:
    job = spec(task="regression", metric="rmse", threshold=0.3, severity="critical")
    store(store_url, job, "rmse", values, estimated_hours=0)
    got = taken(store_url, job)
    assert (got.degraded_windows, got.severity, got.estimated) == (streak, "critical", None)


def test_no_threshold_is_never_degraded(store_url: str) -> None:
    job = spec(metric="f1")
    store(store_url, job, "f1", [0.1, 0.1], estimated_hours=0)
    assert taken(store_url, job).degraded_windows == 0

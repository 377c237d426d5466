"""The run's result types: immutable, with statuses that are checked where they are made."""

import dataclasses
import json
from datetime import UTC, datetime, timedelta

import pytest

from driftboard.jobs.window import Window
from driftboard.results import (
    Delivery,
    Evaluation,
    FeatureOutcome,
    FeatureStatus,
    KeptReport,
    RunResult,
    RunStatus,
)

END = datetime(2026, 3, 1, tzinfo=UTC)
WINDOW = Window(END - timedelta(hours=1), END)


def feature(name: str, drifted: bool | None, status: str = "ok") -> FeatureOutcome:
    return FeatureOutcome(name, "feature", "numerical", status, drift_detected=drifted)


def evaluation(*features: FeatureOutcome, status: str = "succeeded") -> Evaluation:
    return Evaluation(
        "m", WINDOW, status, END, END + timedelta(seconds=2), drift_share_threshold=0.5, features=features
    )


def test_results_cannot_be_changed_after_the_stage_that_made_them() -> None:
    e = evaluation(feature("a", True))
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.status = RunStatus.FAILED  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.features[0].score = 1.0  # type: ignore[misc]
    assert isinstance(e.features, tuple)


def test_statuses_are_enums_and_unknown_ones_are_refused() -> None:
    e = evaluation(feature("a", None, "skipped"), status="skipped")
    assert e.status is RunStatus.SKIPPED
    assert e.features[0].status is FeatureStatus.SKIPPED
    with pytest.raises(ValueError, match="'succeded' is not a valid RunStatus"):  # codespell:ignore
        evaluation(status="succeded")  # codespell:ignore
    with pytest.raises(ValueError, match="'dead' is not a valid FeatureStatus"):
        feature("a", None, "dead")


def test_drift_counts_only_scored_features_and_follow_evidentlys_share_rule() -> None:
    e = evaluation(feature("a", True), feature("b", False), feature("c", None, "error"))
    assert (len(e.scored), e.n_drifted, e.share_drifted, e.dataset_drift) == (2, 1, 0.5, True)
    assert e.duration_seconds == 2.0
    assert evaluation(feature("c", None, "skipped")).share_drifted is None


def test_the_run_result_says_each_stage_and_prints_as_json() -> None:
    e = evaluation(feature("a", True), feature("b", False))
    result = RunResult(e, 7, Delivery(error="push failed"), KeptReport(error="report not saved"))
    summary = json.loads(json.dumps(result.to_json(), default=str))["run"]
    assert summary["id"] == 7
    assert summary["status"] == "succeeded"
    assert summary["push_error"] == "push failed"
    assert summary["error"] == "report not saved"  # a succeeded run says why its report is missing
    assert summary["report_path"] is None
    assert json.loads(json.dumps(result.to_json(), default=str))["features"][0]["status"] == "ok"

"""The run as printed: a calibrated threshold is marked as the threshold used, with how."""

from datetime import timedelta

from rich.console import Console

from driftboard.jobs.spec import JobSpec
from driftboard.jobs.window import Window
from driftboard.results import Evaluation, FeatureOutcome, RunResult
from driftboard.run.terminal import print_result
from tests.support.helpers import WINDOW_END, spec_dict

WINDOW = Window(WINDOW_END - timedelta(hours=1), WINDOW_END)


def _printed(drift: dict[str, object]) -> str:
    features = [
        FeatureOutcome(
            n, "feature", "numerical", "ok", stattest="ks", score=0.2, threshold=t, drift_detected=False
        )
        for n, t in (("x", 0.0123), ("y", 0.05))
    ]
    evaluation = Evaluation("test-model", WINDOW, "succeeded", WINDOW_END, WINDOW_END, features=features)
    console = Console(record=True, width=160)
    print_result(RunResult(evaluation, 1), console, JobSpec.model_validate(spec_dict(drift=drift)))
    return console.export_text()


def test_a_calibrated_threshold_is_marked_and_explained() -> None:
    text = _printed({"per_column": {"x": {"threshold": "calibrated"}}, "calibration": {"quantile": 0.95}})
    assert "0.0123*" in text
    assert "0.05*" not in text
    assert "* threshold calibrated on the reference (quantile 0.95, bootstrap)" in text


def test_fixed_thresholds_carry_no_mark() -> None:
    text = _printed({})
    assert "*" not in text

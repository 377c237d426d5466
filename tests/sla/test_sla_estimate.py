"""Performance estimated from scores before labels land (CBPE), and its storage beside the
realised metrics."""

import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from driftboard.jobs.load import load_spec
from driftboard.jobs.spec import Labels
from driftboard.sla import labels as delayed
from driftboard.sla.estimate import calibrator, estimate
from driftboard.sla.performance import binary, per_class, performance
from driftboard.store import connect
from driftboard.store.models import ClassPerformance, PerformanceEstimate, PerformanceResult
from tests.sla.test_sla_labels import NOW, job, traffic
from tests.support.cli_helpers import invoke, store_env
from tests.support.helpers import write_job

METRICS = {"accuracy", "precision", "recall", "f1", "roc_auc", "pr_auc", "log_loss"}


def test_the_expected_confusion_matrix_by_hand() -> None:
    scores = np.array([0.9, 0.2, 0.6])  # calibrated as they are: predicted 1 0 1
    # TP 0.9 + 0.6, FP 0.1 + 0.4, FN 0.2, TN 0.8
    got = estimate(scores, scores, 0.5)
    assert got["accuracy"] == pytest.approx(2.3 / 3)
    assert got["precision"] == pytest.approx(1.5 / 2)
    assert got["recall"] == pytest.approx(1.5 / 1.7)
    assert got["f1"] == pytest.approx(3 / 3.7)
    # pairs (positive above negative) weighted by p_i (1 - p_j), over P·N = 1.7 · 1.3
    pairs = 0.9 * 0.4 + 0.9 * 0.8 + 0.6 * 0.8  # 0.9 above 0.6 and 0.2, 0.6 above 0.2
    ties = 0.9 * 0.1 / 2 + 0.6 * 0.4 / 2 + 0.2 * 0.8 / 2  # each row against itself counts half
    assert got["roc_auc"] == pytest.approx((pairs + ties) / (1.7 * 1.3))


def simulated(rng: np.random.Generator, n: int, shift: float) -> tuple[np.ndarray, np.ndarray]:
    """Calibrated scores of a logistic model (inputs shifted by `shift`) and labels drawn from them."""
    x = rng.normal(shift, 1.0, n)
    p = 1 / (1 + np.exp(-(2 * x - 1)))
    return p, (rng.random(n) < p).astype(int)


@pytest.mark.parametrize("shift", [0.0, -0.8, 0.8])
def test_the_estimate_meets_the_realised_metrics_under_covariate_shift(shift: float) -> None:
    rng = np.random.default_rng(7)
    ref_scores, ref_truth = simulated(rng, 20_000, 0.0)
    scores, truth = simulated(rng, 20_000, shift)
    got = estimate(scores, calibrator(ref_scores, ref_truth).predict(scores), 0.5)
    realised = binary(truth, scores, 0.5)
    assert set(got) == METRICS
    assert got == pytest.approx(realised, abs=0.015)


def test_isotonic_calibration_repairs_a_distorted_score() -> None:
    """A score that ranks well but is not a probability (p³): uncalibrated, the expected
    accuracy is far off; calibrated on the reference, it is close."""
    rng = np.random.default_rng(8)
    ref_p, ref_truth = simulated(rng, 20_000, 0.0)
    p, truth = simulated(rng, 20_000, 0.5)
    scores = p**3
    realised = binary(truth, scores, 0.5)["accuracy"]
    assert abs(estimate(scores, scores, 0.5)["accuracy"] - realised) > 0.05
    calibrated = calibrator(ref_p**3, ref_truth).predict(scores)
    assert estimate(scores, calibrated, 0.5)["accuracy"] == pytest.approx(realised, abs=0.015)


def test_concept_drift_with_unchanged_scores_is_invisible() -> None:
    """The documented limit: flip a third of the labels and the realised accuracy falls while
    the estimate, which sees only the scores, stays where it was."""
    rng = np.random.default_rng(9)
    ref_scores, ref_truth = simulated(rng, 20_000, 0.0)
    scores, truth = simulated(rng, 20_000, 0.0)
    flipped = np.where(rng.random(len(truth)) < 1 / 3, 1 - truth, truth)
    got = estimate(scores, calibrator(ref_scores, ref_truth).predict(scores), 0.5)["accuracy"]
    assert got == pytest.approx(binary(truth, scores, 0.5)["accuracy"], abs=0.015)
    assert got - binary(flipped, scores, 0.5)["accuracy"] > 0.1


def calibrated_job(tmp_path: Path, current: pd.DataFrame) -> Path:
    path = job(tmp_path, current)
    ref = pd.read_csv(tmp_path / "reference.csv")
    rng = np.random.default_rng(4)
    ref["p"] = rng.uniform(0, 1, len(ref)).round(3)
    ref["t"] = (rng.uniform(0, 1, len(ref)) < ref["p"]).astype(int)  # labelled and calibrated
    ref.to_csv(tmp_path / "reference.csv", index=False)
    return path


def test_refresh_stores_estimates_for_every_window_beside_the_realised(
    tmp_path: Path, store_url: str
) -> None:
    current = traffic({10: 1.0})  # only the window ending 10:00 is labelled
    spec = calibrated_job(tmp_path, current)
    engine = connect.make_engine(store_url)
    delayed.refresh(engine, load_spec(spec), NOW)
    with Session(engine) as session:
        estimates = session.scalars(select(PerformanceEstimate)).all()
        realised = session.scalars(select(PerformanceResult)).all()
    engine.dispose()
    assert {(e.window_end.hour, e.n_rows, e.n_labeled) for e in estimates} == {
        (10, 40, 40),
        (11, 40, 0),
        (12, 40, 0),
    }
    assert {e.metric for e in estimates} == METRICS
    first = current.iloc[:40]
    assert {r.metric: r.value for r in realised} == pytest.approx(
        performance(first["t"], first["p"], Labels(), True)
    )


def test_no_labelled_reference_means_no_estimates_and_no_failure(
    tmp_path: Path, sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    spec = job(tmp_path, traffic({10: 1.0}))  # its reference's target is all 0
    engine = connect.make_engine(sqlite_url)
    from driftboard.store import schema

    schema.upgrade(engine)
    with caplog.at_level(logging.WARNING):
        assert len(delayed.refresh(engine, load_spec(spec), NOW)) == 1
    with Session(engine) as session:
        assert session.scalars(select(PerformanceEstimate)).all() == []
    engine.dispose()
    assert "no performance estimates: the reference's target has one class only" in caplog.text


def test_a_multiclass_window_stores_its_per_class_metrics(tmp_path: Path, sqlite_url: str) -> None:
    current = traffic({10: 1.0})
    current["p"] = np.where(current["p"] > 0.5, "yes", "no")
    current["t"] = current["t"].map({1.0: "yes", 0.0: "no"})
    ref = pd.DataFrame({"x": [0.0] * 40, "y": 1.0, "c": "a", "p": "no", "t": "no"})
    prediction = {"name": "p", "type": "categorical"}
    columns = {"numerical": ["x", "y"], "categorical": ["c"], "prediction": prediction, "target": "t"}
    spec = write_job(tmp_path, ref, current, columns=columns, labels={"metric": "f1"})
    engine = connect.make_engine(sqlite_url)
    from driftboard.store import schema

    schema.upgrade(engine)
    (result,) = delayed.refresh(engine, load_spec(spec), NOW)
    with Session(engine) as session:
        rows = session.scalars(select(ClassPerformance)).all()
    engine.dispose()
    assert {(r.class_label, r.metric): r.value for r in rows} == {
        (label, name): value for label, metrics in result.per_class.items() for name, value in metrics.items()
    }
    assert {r.class_label for r in rows} == {"yes", "no"}
    assert sum(r.value for r in rows if r.metric == "support") == 40


def test_the_labels_command_prints_per_class_metrics(tmp_path: Path, sqlite_url: str) -> None:
    current = traffic({10: 1.0})
    current["p"] = np.where(current["p"] > 0.5, "yes", "no")
    current["t"] = current["t"].map({1.0: "yes", 0.0: "no"})
    ref = pd.DataFrame({"x": [0.0] * 40, "y": 1.0, "c": "a", "p": "no", "t": "no"})
    prediction = {"name": "p", "type": "categorical"}
    columns = {"numerical": ["x", "y"], "categorical": ["c"], "prediction": prediction, "target": "t"}
    spec = write_job(tmp_path, ref, current, columns=columns, labels={"metric": "f1"})
    result = invoke(["labels", str(spec), "--at", NOW.isoformat(), "--json"], store_env(sqlite_url, tmp_path))
    assert result.code == 0, result.stderr
    (row,) = [json.loads(line) for line in result.stdout.splitlines()]
    first = current.iloc[:40]
    expected = per_class(first["t"].astype(str).to_numpy(), first["p"].astype(str).to_numpy())
    assert row["per_class"] == {label: pytest.approx(metrics) for label, metrics in expected.items()}

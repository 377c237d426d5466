"""Delayed labels: metrics per window once its labels landed, picked up again when more land,
and judged by the SLA's healthy time."""

import json
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from driftboard.errors import DataError
from driftboard.jobs.load import load_spec
from driftboard.jobs.spec import Labels
from driftboard.results import WindowPerformance
from driftboard.sla import labels as delayed
from driftboard.sla.data import Span, fetch
from driftboard.sla.performance import per_class, performance
from driftboard.store import connect, schema
from driftboard.store.models import PerformanceResult
from tests.support.cli_helpers import invoke, store_env
from tests.support.helpers import WINDOW_END, frames, write_job

H = timedelta(hours=1)
NOW = WINDOW_END + 30 * H  # long after the three windows ending 10:00, 11:00 and 12:00
SCORE = Labels()  # classification of a numerical score at 0.5


# --- the metrics ---------------------------------------------------------------------------


def test_binary_metrics_by_hand() -> None:
    truth, scores = pd.Series([1, 0, 1, 1, 0]), pd.Series([0.9, 0.2, 0.4, 0.8, 0.6])
    # predicted 1 0 0 1 1: TP 2, FP 1, FN 1, TN 1; 5 of 6 (positive, negative) pairs ranked right;
    # by falling score 1 1 0 1 0: precision 1, 1, 3/4 at the positives; -log of each truth's p
    got = performance(truth, scores, SCORE, score=True)
    log_loss = -(math.log(0.9) + 2 * math.log(0.8) + 2 * math.log(0.4)) / 5
    assert got == pytest.approx(
        {"accuracy": 3 / 5, "precision": 2 / 3, "recall": 2 / 3, "f1": 2 / 3, "roc_auc": 5 / 6,
         "pr_auc": (1 + 1 + 3 / 4) / 3, "log_loss": log_loss}
    )  # fmt: skip


def test_a_score_that_is_no_probability_has_no_log_loss() -> None:
    got = performance(pd.Series([1, 0]), pd.Series([3.0, -1.0]), SCORE, score=True)
    assert "log_loss" not in got
    assert got["roc_auc"] == 1


def test_regression_metrics_by_hand() -> None:
    got = performance(pd.Series([1, 2, 3]), pd.Series([1, 3, 5]), Labels(task="regression"), score=True)
    assert got == pytest.approx({"mae": 1, "rmse": math.sqrt(5 / 3), "r2": 1 - 5 / 2})  # errors 0, 1, 2


def test_undefined_metrics_are_left_out() -> None:
    assert "roc_auc" not in performance(pd.Series([1, 1]), pd.Series([0.7, 0.2]), SCORE, score=True)
    assert "r2" not in performance(pd.Series([2.0]), pd.Series([1.0]), Labels(task="regression"), score=True)


def test_class_labels_use_the_macro_average() -> None:
    got = performance(pd.Series(["a", "b", "b"]), pd.Series(["a", "b", "a"]), SCORE, score=False)
    assert got == pytest.approx({"accuracy": 2 / 3, "precision": 3 / 4, "recall": 3 / 4, "f1": 2 / 3})


def test_multiclass_windows_get_per_class_metrics() -> None:
    truth, predicted = np.array(["a", "b", "b", "c"]), np.array(["a", "b", "a", "b"])
    got = per_class(truth, predicted)
    assert got == {
        "a": pytest.approx({"precision": 1 / 2, "recall": 1, "f1": 2 / 3, "support": 1}),
        "b": pytest.approx({"precision": 1 / 2, "recall": 1 / 2, "f1": 1 / 2, "support": 2}),
        "c": pytest.approx({"precision": 0, "recall": 0, "f1": 0, "support": 1}),
    }


def test_a_target_that_is_no_class_is_an_error() -> None:
    with pytest.raises(DataError, match="0/1 or true/false, got 'maybe'"):
        performance(pd.Series(["maybe"]), pd.Series([0.5]), SCORE, score=True)


# --- windows whose labels have landed --------------------------------------------------------


def traffic(labelled: dict[int, float], seed: int = 3) -> pd.DataFrame:
    """40 rows in each hour ending 10:00, 11:00, 12:00; `labelled` share of each (by end hour)."""
    rng, hours = np.random.default_rng(seed), []
    for end_hour in (10, 11, 12):
        _, cur = frames(n_cur=40, seed=end_hour)
        end = WINDOW_END.replace(hour=end_hour)
        cur["ts"] = [(end - H + (i + 1) * H / 41).isoformat() for i in range(40)]
        cur["p"] = rng.uniform(0, 1, 40).round(3)
        truth = (rng.uniform(0, 1, 40) < cur["p"]).astype(int)
        cur["t"] = np.where(np.arange(40) < labelled.get(end_hour, 0) * 40, truth, np.nan)
        hours.append(cur)
    return pd.concat(hours, ignore_index=True)


def job(tmp_path: Path, current: pd.DataFrame, **labels: Any) -> Path:
    ref, _ = frames()
    ref["p"], ref["t"] = np.linspace(0, 1, len(ref)), 0
    columns = {"numerical": ["x", "y"], "categorical": ["c"], "prediction": {"name": "p"}, "target": "t"}
    labels = {"metric": "f1", "threshold": 0.6, **labels}
    return write_job(tmp_path, ref, current, columns=columns, labels=labels)


def stored(url: str) -> dict[tuple[int, str], tuple[float, int, int]]:
    engine = connect.make_engine(url)
    with Session(engine) as session:
        rows = session.scalars(select(PerformanceResult)).all()
    engine.dispose()
    return {(r.window_end.hour, r.metric): (r.value, r.n_rows, r.n_labeled) for r in rows}


def refresh(url: str, spec: Path, now: datetime = NOW) -> list[WindowPerformance]:
    engine = connect.make_engine(url)
    schema.upgrade(engine)
    try:
        return delayed.refresh(engine, load_spec(spec), now)
    finally:
        engine.dispose()


def test_only_windows_with_landed_labels_are_computed(tmp_path: Path, store_url: str) -> None:
    current = traffic({10: 1.0, 11: 0.5})  # 12:00 has no label yet; 11:00 half (below 0.9)
    results = refresh(store_url, job(tmp_path, current))
    assert [(r.window.end.hour, r.n_rows, r.n_labeled) for r in results] == [(10, 40, 40)]
    first = current.iloc[:40]
    expected = performance(first["t"], first["p"], SCORE, score=True)
    assert {m: v for (h, m), (v, _, _) in stored(store_url).items()} == pytest.approx(expected)


def test_labels_that_land_later_are_picked_up(tmp_path: Path, store_url: str) -> None:
    refresh(store_url, job(tmp_path, traffic({10: 1.0, 11: 0.5})))
    refresh(store_url, job(tmp_path, traffic({10: 1.0, 11: 0.95, 12: 0.9})))  # more landed
    rows = stored(store_url)
    assert {h for h, _ in rows} == {10, 11, 12}
    assert rows[(11, "f1")][1:] == (40, 38)  # replaced: one row per window and metric
    assert len(rows) == 3 * 7  # accuracy, precision, recall, f1, roc_auc, pr_auc, log_loss


def test_a_separate_labels_source_joined_by_event_id(tmp_path: Path, sqlite_url: str) -> None:
    current = traffic({10: 1.0}).assign(event=lambda f: range(len(f)))
    labels = current.loc[:39, ["event", "t"]].assign(labeled_at=(WINDOW_END + 5 * H).isoformat())
    wrong = labels.assign(t=1 - labels["t"], labeled_at=(WINDOW_END + 2 * H).isoformat())
    pd.concat([labels, wrong]).to_csv(tmp_path / "labels.csv", index=False)  # corrected at +5 h
    spec = job(tmp_path, current.drop(columns="t"), source={"path": "labels.csv"}, event_id="event",
               labeled_at="labeled_at")  # fmt: skip
    first = current.iloc[:40]
    early = performance(1 - first["t"], first["p"], SCORE, score=True)
    assert refresh(sqlite_url, spec, WINDOW_END + 3 * H)[0].metrics == pytest.approx(early)
    expected = performance(first["t"], first["p"], SCORE, score=True)
    assert refresh(sqlite_url, spec)[0].metrics == pytest.approx(expected)  # the correction won
    assert refresh(sqlite_url, spec, WINDOW_END + H) == []  # none had landed then


def test_healthy_time_judges_the_landed_labels(tmp_path: Path, store_url: str) -> None:
    current = traffic({10: 1.0, 11: 1.0, 12: 1.0})
    hours = [current.iloc[i : i + 40] for i in (0, 40, 80)]
    f1 = [performance(w["t"], w["p"], SCORE, score=True)["f1"] for w in hours]
    threshold = sorted(f1)[1]  # exactly one window below it
    spec = job(tmp_path, current, threshold=threshold)
    env = store_env(store_url, tmp_path)
    for hour in (10, 11, 12):
        assert invoke(["run", str(spec), "--at", WINDOW_END.replace(hour=hour).isoformat()], env).code == 0
    assert invoke(["labels", str(spec), "--at", NOW.isoformat()], env).code == 0
    engine = connect.make_engine(store_url)
    (summary,) = fetch(engine, Span(WINDOW_END - 3 * H, WINDOW_END, datetime.now(UTC)))["summary"]
    engine.dispose()
    assert (summary["labeled_windows"], summary["healthy_windows"], summary["evaluated_windows"]) == (3, 2, 3)


def test_labels_command(tmp_path: Path, sqlite_url: str) -> None:
    env = store_env(sqlite_url, tmp_path)
    spec = job(tmp_path, traffic({10: 1.0}))
    result = invoke(["labels", str(spec), "--at", NOW.isoformat(), "--json"], env)
    assert result.code == 0, result.stderr
    assert [row["window_end"] for row in map(__import__("json").loads, result.stdout.splitlines())] == [
        WINDOW_END.replace(hour=10).isoformat()
    ]
    plain = write_job(tmp_path, name="plain.yaml")
    assert invoke(["labels", str(plain)], env).code == 1


@pytest.mark.parametrize(
    ("columns", "labels", "message"),
    [
        ({}, {}, "labels need columns.target and columns.prediction"),
        ({"target": "t", "prediction": {"name": "p", "type": "categorical"}}, {"metric": "roc_auc"},
         "roc_auc needs a numerical prediction"),
        ({"target": "t", "prediction": {"name": "p"}}, {"source": {"path": "l.csv"}},
         "'source' and 'event_id' go together"),
        ({"target": "t", "prediction": {"name": "p"}}, {"task": "regression", "metric": "f1"},
         "metric 'f1' does not apply to regression"),
    ],
)  # fmt: skip
def test_labels_settings_are_validated(
    tmp_path: Path, columns: dict[str, Any], labels: dict[str, Any], message: str
) -> None:
    spec = write_job(tmp_path, columns={"numerical": ["x", "y"], **columns}, labels=labels)
    result = invoke(["validate", str(spec)], {})
    assert result.code == 2
    assert message in result.stderr


def test_an_infinite_score_fails_its_window_only(tmp_path: Path, sqlite_url: str) -> None:
    """One inf in the prediction used to raise from scikit-learn mid-refresh: a traceback, and
    no window of the lookback stored. Now that window says why; the others are stored."""
    current = traffic({10: 1.0, 11: 1.0})
    current.loc[45, "p"] = np.inf  # in the window ending 11:00
    env = store_env(sqlite_url, tmp_path)
    result = invoke(["labels", str(job(tmp_path, current)), "--at", NOW.isoformat(), "--json"], env)
    assert result.code == 1
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r.get("error") for r in rows] == [
        None,
        "prediction holds 1 infinite values, e.g. inf",
    ]
    assert result.stderr.strip() == "error: 1 window could not be computed; see above"
    assert {h for h, _ in stored(sqlite_url)} == {10}

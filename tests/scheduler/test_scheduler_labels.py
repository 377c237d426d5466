"""The scheduler picks delayed labels up by itself: each spec with a labels: section gets
performance per window without a `driftboard labels` call, and a refresh that fails is
counted and logged while the drift windows go on."""

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import create_engine, text

from driftboard.jobs.load import LoadedSpec, load_spec
from driftboard.scheduler import labeljobs
from tests.support.realstack import Stack
from tests.support.schedproc import Scheduler, spec_text, wait_for, write_data

LABELLED = (
    "columns: {numerical: [x, y], prediction: {name: p}, target: t}\n"
    "labels: {lookback: 1h, metric: accuracy, threshold: 0.5}\n"
)


def _labelled_data(data: Path) -> None:
    """write_data's current rows, with a score p and its label t (right 3 times in 4)."""
    write_data(data)
    cur = pd.read_csv(data / "cur.csv")
    rng = np.random.default_rng(5)
    cur["p"] = rng.uniform(0, 1, len(cur)).round(3)
    cur["t"] = np.where(rng.uniform(0, 1, len(cur)) < 0.75, cur["p"] >= 0.5, cur["p"] < 0.5).astype(int)
    cur.to_csv(data / "cur.csv", index=False)
    ref = pd.read_csv(data / "ref.csv")
    ref.assign(p=0.5, t=0).to_csv(data / "ref.csv", index=False)


def _spec(model: str, data: Path, labels: str = LABELLED) -> str:
    return spec_text(model, "1m", data).replace("columns: {numerical: [x, y]}\n", labels)


def _accuracy(url: str, model: str) -> list[tuple[datetime, float, int, int]]:
    engine = create_engine(url)
    query = (
        "SELECT window_end, value, n_rows, n_labeled FROM performance_results "
        "WHERE model = :m AND metric = 'accuracy' ORDER BY window_end"
    )
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(query), {"m": model})]  # type: ignore[misc]
    finally:
        engine.dispose()


@pytest.mark.slow
def test_labels_are_picked_up_without_a_command(tmp_path: Path, fresh_store: str) -> None:
    data, jobs = tmp_path / "data", tmp_path / "jobs"
    _labelled_data(data)
    jobs.mkdir()
    (jobs / "m.yaml").write_text(_spec("labelled", data))
    sched = Scheduler(jobs, fresh_store, tmp_path / "log")
    try:
        rows = wait_for("performance of the labelled windows", lambda: _accuracy(fresh_store, "labelled"))
        ok = "driftboard_label_refreshes_total"
        wait_for("the refresh counted", lambda: sched.metric(ok, model="labelled", status="succeeded") == 1)
        assert sched.lines("delayed labels refreshed")
    finally:
        sched.kill_group()
    assert len(rows) >= 10  # the minutes of the last hour that have data: 15, minus the edges
    assert all(n_rows == n_labeled == 300 for _, _, n_rows, n_labeled in rows[1:-1])  # 5 rows a second
    cur = pd.read_csv(data / "cur.csv")
    cur["ts"] = pd.to_datetime(cur["ts"], utc=True, format="ISO8601")
    for end, value, n_rows, _ in rows:  # each window's accuracy, by hand from the file
        inside = cur[(cur["ts"] >= end - timedelta(minutes=1)) & (cur["ts"] < end)]
        assert len(inside) == n_rows
        assert value == pytest.approx(((inside["p"] >= 0.5) == inside["t"]).mean())


@pytest.mark.slow
def test_a_failing_refresh_is_counted_and_the_drift_windows_go_on(tmp_path: Path, fresh_store: str) -> None:
    data, jobs = tmp_path / "data", tmp_path / "jobs"
    _labelled_data(data)
    jobs.mkdir()
    missing = LABELLED.replace(
        "labels: {", f"labels: {{source: {{path: {data / 'gone.csv'}}}, event_id: id, "
    )
    (jobs / "m.yaml").write_text(_spec("unlabelled", data, missing))
    sched = Scheduler(jobs, fresh_store, tmp_path / "log")
    try:
        failed = "driftboard_label_refreshes_total"
        wait_for("the failed refresh", lambda: sched.metric(failed, model="unlabelled", status="failed") == 1)
        wait_for(
            "a drift window",
            lambda: sched.metric("driftboard_runs_total", model="unlabelled", status="succeeded"),
        )
        (line,) = sched.lines("delayed labels not refreshed")
        assert "gone.csv" in line
    finally:
        sched.kill_group()
    assert _accuracy(fresh_store, "unlabelled") == []


def test_the_label_job_follows_the_spec_through_reloads(tmp_path: Path) -> None:
    """Added with the spec's refresh, replaced on a change, removed with the labels: section."""
    data = tmp_path / "data"
    _labelled_data(data)
    aps = BackgroundScheduler(timezone=UTC)
    aps.start(paused=True)  # jobs go to the store as in the scheduler; none runs

    def load(labels: str) -> LoadedSpec:
        (tmp_path / "m.yaml").write_text(_spec("m", data, labels))
        return load_spec(tmp_path / "m.yaml")

    labeljobs.schedule(aps, load(LABELLED), print, first=True)
    job = aps.get_job("labels:m")
    assert job.trigger.interval == timedelta(days=1)
    assert job.args == ("m",)
    labeljobs.schedule(aps, load(LABELLED.replace("lookback: 1h", "lookback: 1h, refresh: 6h")), print, False)
    assert aps.get_job("labels:m").trigger.interval == timedelta(hours=6)
    labeljobs.schedule(aps, load("columns: {numerical: [x, y]}\n"), print, first=False)
    assert aps.get_job("labels:m") is None
    labeljobs.unschedule(aps, "m")  # already gone: a removed spec without labels
    assert aps.get_jobs() == []
    aps.shutdown(wait=False)


@pytest.mark.slow
def test_the_refresh_pushes_the_newest_performance(
    alerting_stack: Stack, tmp_path: Path, fresh_store: str
) -> None:
    data, jobs = tmp_path / "data", tmp_path / "jobs"
    _labelled_data(data)
    jobs.mkdir()
    model = f"pushed-{uuid.uuid4().hex[:8]}"
    (jobs / "m.yaml").write_text(_spec(model, data))
    sched = Scheduler(jobs, fresh_store, tmp_path / "log", pushgateway_url=alerting_stack.pushgateway_url)
    try:
        wait_for("performance of the labelled windows", lambda: _accuracy(fresh_store, model))
        series = f'driftboard_performance{{model="{model}",metric="accuracy"}}'
        pushed = wait_for("the pushed accuracy", lambda: alerting_stack.query(series))
        assert not sched.lines("performance not pushed")
    finally:
        sched.kill_group()
    newest = _accuracy(fresh_store, model)[-1]  # only the newest window is pushed
    assert float(pushed[0]["value"][1]) == pytest.approx(newest[1])
    labelled = alerting_stack.query(f'driftboard_performance_labelled_ratio{{model="{model}"}}')
    assert float(labelled[0]["value"][1]) == pytest.approx(newest[3] / newest[2])

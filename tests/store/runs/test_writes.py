"""Runs are stored in one transaction; re-running a window replaces it, never duplicates it."""

from dataclasses import replace
from datetime import UTC
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from driftboard.jobs.window import Window
from driftboard.results import Evaluation, FeatureOutcome
from driftboard.store import connect, runs
from driftboard.store.models import FeatureResult, Run
from tests.support.cli_helpers import counts, invoke, store_env
from tests.support.cli_helpers import runs as stored_runs
from tests.support.helpers import WINDOW_END, frames, write_job

AT = ["--at", "2026-03-01T12:00:00Z"]


def test_rerun_replaces_the_window(tmp_path: Path, store_url: str) -> None:
    job = write_job(tmp_path)
    env = store_env(store_url, tmp_path)
    first = invoke(["run", str(job), *AT, "--json"], env)
    second = invoke(["run", str(job), *AT, "--json"], env)
    assert first.code == second.code == 0
    assert first.json()["features"] == second.json()["features"]
    assert counts(store_url) == (1, 3)
    (row,) = stored_runs(store_url)
    assert row["id"] == second.json()["run"]["id"]


def test_other_windows_are_kept(tmp_path: Path, store_url: str) -> None:
    ref, cur = frames()
    job = write_job(tmp_path, ref, cur)
    env = store_env(store_url, tmp_path)
    invoke(["run", str(job), *AT], env)
    invoke(["run", str(job), "--at", "2026-03-01T13:30:00Z"], env)  # window 12-13 has no rows
    assert [(r["status"], r["window_end"].hour) for r in stored_runs(store_url)] == [
        ("succeeded", 12),
        ("failed", 13),
    ]


def test_times_come_back_timezone_aware_utc(tmp_path: Path, store_url: str) -> None:
    invoke(["run", str(write_job(tmp_path)), *AT], store_env(store_url, tmp_path))
    engine = connect.make_engine(store_url)
    with Session(engine) as session:
        run = session.scalars(select(Run)).one()
        feature = session.scalars(select(FeatureResult)).first()
    engine.dispose()
    assert run.window_end == WINDOW_END
    for stamp in (run.window_start, run.window_end, run.started_at, run.finished_at, feature.window_end):
        assert stamp.tzinfo is not None
        assert stamp.utcoffset().total_seconds() == 0
    assert run.driftboard_version
    assert run.evidently_version == "0.7.23"
    assert len(run.reference_fingerprint) == 64


def _outcome(features: list[FeatureOutcome]) -> Evaluation:
    window = Window(WINDOW_END.replace(hour=11), WINDOW_END)
    return Evaluation(
        "atomic", window, "succeeded", WINDOW_END, WINDOW_END, drift_share_threshold=0.5, features=features
    )


def test_a_failing_write_leaves_nothing_behind(store_url: str) -> None:
    engine = connect.make_engine(store_url)
    good = FeatureOutcome("a", "feature", "numerical", "ok", score=0.1)
    runs.save(engine, _outcome([good]))
    duplicate = [good, FeatureOutcome("a", "feature", "numerical", "ok", score=0.2)]
    with pytest.raises(Exception, match=r"(?i)unique"):
        runs.save(engine, _outcome(duplicate))
    engine.dispose()
    # The earlier result survived: the delete of the replace was rolled back with the insert.
    assert counts(store_url) == (1, 1)


def test_naive_datetimes_are_refused(store_url: str) -> None:
    engine = connect.make_engine(store_url)
    outcome = _outcome([])
    outcome = replace(outcome, window=Window(outcome.window.start.replace(tzinfo=None), outcome.window.end))
    with pytest.raises(Exception, match="timezone-naive"):
        runs.save(engine, outcome)
    engine.dispose()
    assert counts(store_url) == (0, 0)
    assert WINDOW_END.tzinfo is UTC

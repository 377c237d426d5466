"""An unchanged reference is neither re-read nor re-hashed: files by path, size and
modification time, a SQL reference by its query, re-read once per `reference.refresh`. A run
from the cached summary gives the same results as one that read the reference."""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import create_engine

from driftboard.data import sources
from driftboard.drift.scoring import DriftOptions
from driftboard.jobs.load import load_spec
from driftboard.jobs.schedule import window_ending
from driftboard.results import Evaluation
from driftboard.run import inputs
from driftboard.run.evaluate import evaluate
from tests.support.helpers import WINDOW_END, frames, write_job
from tests.support.tracking_fs import track_opens


def _bad_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nulls, a constant, an unseen category, infinities, text in a number: every check."""
    ref, cur = frames()
    ref.loc[::7, "x"] = np.nan
    ref["k"], cur["k"] = 2.0, np.linspace(0, 1, len(cur))
    cur.loc[:9, "c"] = "new"
    cur.loc[:2, "y"] = np.inf
    ref["w"], cur["w"] = "1.5", "oops"
    return ref, cur


def _evaluate(job: Path, cache: Path) -> Evaluation:
    loaded = load_spec(job)
    return evaluate(loaded, window_ending(loaded.spec, WINDOW_END), "none", DriftOptions(cache_dir=cache))


def _job(tmp_path: Path, **overrides: object) -> Path:
    ref, cur = _bad_frames()
    columns = {"numerical": ["x", "y", "k", "w"], "categorical": ["c"]}
    return write_job(tmp_path, ref, cur, columns=columns, **overrides)


def test_an_unchanged_reference_file_is_not_opened_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = _job(tmp_path)
    opened = track_opens(monkeypatch)
    first = _evaluate(job, tmp_path / "cache")
    assert str(tmp_path / "reference.csv") in opened
    opened.clear()
    second = _evaluate(job, tmp_path / "cache")
    assert str(tmp_path / "reference.csv") not in opened
    assert opened == [str(tmp_path / "current.csv"), str(tmp_path / "current.csv")]  # header, then rows
    assert second.features == first.features  # every check and score, from the summary alone
    assert (second.reference_rows, second.schema_changes) == (first.reference_rows, first.schema_changes)
    assert second.reference_fingerprint == first.reference_fingerprint
    statuses = {f.feature: (f.status, f.reason) for f in first.features}
    assert statuses["k"] == ("ok", "constant in the reference")
    assert statuses["w"][0] == "error"
    assert {f.feature: f.unseen_share for f in first.features}["c"] == 10 / 400


def test_a_rewritten_reference_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    job = _job(tmp_path)
    first = _evaluate(job, tmp_path / "cache")
    opened = track_opens(monkeypatch)
    stat = (tmp_path / "reference.csv").stat()
    os.utime(tmp_path / "reference.csv", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))  # same bytes, new mtime
    second = _evaluate(job, tmp_path / "cache")
    assert str(tmp_path / "reference.csv") in opened
    assert second.reference_fingerprint != first.reference_fingerprint
    assert second.features == first.features


def test_a_test_without_a_native_version_reads_the_reference_when_warm(tmp_path: Path) -> None:
    job = _job(tmp_path, drift={"per_column": {"x": {"method": "mannw"}}})
    cold = _evaluate(job, tmp_path / "cache")
    warm = _evaluate(job, tmp_path / "cache")
    assert {f.feature: f.stattest for f in warm.features}["x"] == "mannw"
    assert warm.features == cold.features


def _sql_job(tmp_path: Path, query: str, refresh: str | None = None) -> Path:
    url = f"sqlite:///{tmp_path / 'source.db'}"
    if not (tmp_path / "source.db").exists():
        ref, _ = frames()
        ref.to_sql("reference", create_engine(url), index=False)
    reference: dict[str, object] = {"sql": {"url": url, "query": query}}
    if refresh:
        reference["refresh"] = refresh
    return write_job(tmp_path, reference=reference)


def test_a_sql_reference_is_read_once_per_refresh_period(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[str] = []
    real = sources._sqlalchemy
    monkeypatch.setattr(
        sources, "_sqlalchemy", lambda source, bounds: reads.append(source.query) or real(source, bounds)
    )
    now = datetime(2026, 3, 1, 10, tzinfo=UTC)
    monkeypatch.setattr(inputs, "clock", lambda: now)
    job = _sql_job(tmp_path, "SELECT * FROM reference", refresh="6h")
    for _ in range(2):
        _evaluate(job, tmp_path / "cache")
    assert reads == ["SELECT * FROM reference"]  # 10:00, then again within the same 6 hours
    now += timedelta(hours=3)  # 13:00: the next 6-hour period (epoch-aligned, from 12:00)
    _evaluate(job, tmp_path / "cache")
    assert len(reads) == 2
    _evaluate(_sql_job(tmp_path, "SELECT x, y, c FROM reference", refresh="6h"), tmp_path / "cache")
    assert len(reads) == 3  # another query, another reference

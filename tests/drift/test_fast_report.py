"""With the fast engine, Evidently's report is built only for runs that keep it, and for large
data from a logged sample of rows and columns; the stored scores always use every row."""

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from driftboard.drift import evidently_report
from driftboard.drift.scoring import DriftOptions
from driftboard.jobs.load import load_spec
from driftboard.jobs.schedule import window_ending
from driftboard.results import Evaluation
from driftboard.run.evaluate import evaluate, keep_report
from driftboard.settings import KeepReports
from tests.support.helpers import WINDOW_END, frames, write_job


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every report the run builds: its columns and row counts (the real report still runs)."""
    calls: list[dict[str, Any]] = []
    real = evidently_report.run_report

    def spy(ref: pd.DataFrame, cur: pd.DataFrame, types: dict[str, str], drift: Any) -> Any:
        calls.append({"columns": list(types), "reference": len(ref), "current": len(cur)})
        return real(ref, cur, types, drift)

    monkeypatch.setattr(evidently_report, "run_report", spy)
    return calls


@dataclass(frozen=True)
class Ran:
    evaluation: Evaluation
    report_path: str | None  # the kept report's, under tmp_path / "reports"

    def __getattr__(self, name: str) -> Any:
        return getattr(self.evaluation, name)


def _run(tmp_path: Path, keep: KeepReports, **options: Any) -> Ran:
    ref, cur = frames(n_ref=600, n_cur=400)
    cur["x"] = cur["x"] + np.where(np.arange(len(cur)) % 2, 3.0, 0.0)  # x drifts, y and c do not
    loaded = load_spec(write_job(tmp_path, ref, cur))
    opts = DriftOptions(cache_dir=tmp_path / "cache", **options)
    evaluation = evaluate(loaded, window_ending(loaded.spec, WINDOW_END), keep, opts)
    if evaluation.report is None:
        return Ran(evaluation, None)
    return Ran(evaluation, keep_report(evaluation, tmp_path / "reports").path)


def test_no_report_is_built_for_a_run_that_keeps_none(tmp_path: Path, built: list) -> None:
    outcome = _run(tmp_path, "none")
    assert outcome.status == "succeeded"
    assert outcome.n_drifted == 1
    assert built == []
    assert outcome.report_path is None


def test_a_kept_report_of_large_data_uses_a_logged_sample(
    tmp_path: Path, built: list, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="driftboard.drift.evidently_report"):
        outcome = _run(tmp_path, "all", report_sample_rows=100)
    assert built == [{"columns": ["x", "y", "c"], "reference": 100, "current": 100}]
    assert outcome.report_path is not None
    assert (tmp_path / "reports" / outcome.report_path).stat().st_size > 1_000_000
    assert outcome.current_rows == 400  # the stored scores used every row
    assert "model=test-model" in caplog.text
    assert "uniform sample of 100 of 600 reference rows" in caplog.text
    page = (tmp_path / "reports" / outcome.report_path).read_text(encoding="utf-8")
    assert "This report is built from a sample" in page  # said on the page, not only in the log
    assert "uniform sample of 100 of 600 reference rows" in page


def test_a_kept_report_lumps_the_rarest_of_many_categories(
    tmp_path: Path, built: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(evidently_report, "REPORT_MAX_CATEGORIES", 2)  # c has 3 categories
    outcome = _run(tmp_path, "all")
    assert outcome.report_path is not None
    page = (tmp_path / "reports" / outcome.report_path).read_text(encoding="utf-8")
    assert "the 2 most frequent of 3 categories of &#x27;c&#x27;" in page


def test_a_kept_report_of_wide_data_shows_the_drifted_columns_first(tmp_path: Path, built: list) -> None:
    _run(tmp_path, "drifted", report_max_columns=1)
    assert [call["columns"] for call in built] == [["x"]]

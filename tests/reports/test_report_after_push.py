"""A kept Evidently report is built after the run is committed and pushed: its seconds of HTML
never delay the stored results or the alert. Real PostgreSQL and Pushgateway."""

import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import create_engine, func, select

from driftboard.drift import evidently_report
from driftboard.jobs.load import load_spec
from driftboard.jobs.schedule import window_ending
from driftboard.results import RunResult
from driftboard.run import pipeline
from driftboard.settings import Settings
from driftboard.store import connect
from driftboard.store.models import FeatureResult, Run
from tests.support.helpers import WINDOW_END, frames, write_job
from tests.support.realstack import Stack, http_json


def _drifted_job(tmp_path: Path) -> tuple[Path, str]:
    ref, cur = frames(n_ref=600, n_cur=400)
    cur["x"] = cur["x"] + np.where(np.arange(len(cur)) % 2, 3.0, 0.0)  # x drifts
    model = f"late-report-{uuid.uuid4().hex[:8]}"
    return write_job(tmp_path, ref, cur, model=model), model


def _stored(url: str, model: str) -> dict[str, Any] | None:
    """The model's run and feature count as another connection sees them: only what committed."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            run = conn.execute(select(Run.id, Run.report_path, Run.error).where(Run.model == model)).first()
            features = select(func.count()).select_from(FeatureResult).where(FeatureResult.model == model)
            n = conn.scalar(features)
    finally:
        engine.dispose()
    return None if run is None else {"report_path": run.report_path, "error": run.error, "features": n}


def _pushed(stack: Stack, model: str) -> bool:
    groups = http_json(f"{stack.pushgateway_url}/api/v1/metrics")["data"]
    return any(g["labels"].get("model") == model for g in groups)


def _run(tmp_path: Path, url: str, stack: Stack, job: Path) -> RunResult:
    settings = Settings(
        database_url=url,  # type: ignore[arg-type]
        reports_dir=tmp_path / "reports",
        keep_reports="drifted",
        pushgateway_url=stack.pushgateway_url,
        cache_dir=tmp_path / "cache",
    )
    loaded = load_spec(job)
    engine = connect.open_store(settings)
    try:
        return pipeline.run_window(engine, loaded, window_ending(loaded.spec, WINDOW_END), settings)
    finally:
        engine.dispose()


def test_the_report_is_built_after_commit_and_push(
    tmp_path: Path, fresh_store: str, alerting_stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    job, model = _drifted_job(tmp_path)
    seen: list[tuple[dict[str, Any] | None, bool]] = []
    real = evidently_report.run_report

    def spy(ref: pd.DataFrame, cur: pd.DataFrame, types: dict[str, str], drift: Any) -> Any:
        seen.append((_stored(fresh_store, model), _pushed(alerting_stack, model)))
        return real(ref, cur, types, drift)

    monkeypatch.setattr(evidently_report, "run_report", spy)
    result = _run(tmp_path, fresh_store, alerting_stack, job)
    assert result.evaluation.n_drifted == 1
    assert result.delivery.pushed_at is not None
    assert seen == [({"report_path": None, "error": None, "features": 3}, True)]
    relative = f"{model}/{WINDOW_END:%Y%m%dT%H%M%SZ}.html"
    assert result.report.path == relative
    assert _stored(fresh_store, model) == {"report_path": relative, "error": None, "features": 3}
    assert (tmp_path / "reports" / relative).stat().st_size > 1_000_000


def test_a_report_that_fails_after_commit_is_said_on_the_stored_run(
    tmp_path: Path, fresh_store: str, alerting_stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    job, model = _drifted_job(tmp_path)

    def broken(*args: Any) -> Any:
        raise MemoryError("charts too large")

    monkeypatch.setattr(evidently_report, "run_report", broken)
    result = _run(tmp_path, fresh_store, alerting_stack, job)
    assert result.evaluation.status == "succeeded"
    error = "Evidently report not built: MemoryError: charts too large"
    assert result.error == error
    assert _stored(fresh_store, model) == {"report_path": None, "error": error, "features": 3}
    assert not (tmp_path / "reports").exists()

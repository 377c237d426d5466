"""The pipeline's store step: values the store refuses fail the run once, with the reason,
instead of being retried forever as if the store were down."""

from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from driftboard.jobs.load import LoadedSpec
from driftboard.jobs.spec import JobSpec
from driftboard.jobs.window import Window
from driftboard.results import Evaluation, FeatureOutcome
from driftboard.run import pipeline
from driftboard.settings import Settings
from driftboard.store import connect
from tests.support.cli_helpers import counts, runs
from tests.support.helpers import WINDOW_END, spec_dict

WINDOW = Window(WINDOW_END - timedelta(hours=1), WINDOW_END)


def _evaluation(*names: str) -> Evaluation:
    features = [
        FeatureOutcome(n, "feature", "numerical", "ok", score=0.1, drift_detected=False) for n in names
    ]
    return Evaluation("test-model", WINDOW, "succeeded", WINDOW_END, WINDOW_END, features=features)


def _store(url: str, tmp_path: Path, evaluation: Evaluation) -> str | None:
    loaded = LoadedSpec(tmp_path / "job.yaml", JobSpec.model_validate(spec_dict()))
    settings = Settings(database_url=SecretStr(url), reports_dir=tmp_path / "reports")
    engine = connect.make_engine(url)
    try:
        return pipeline.store(engine, loaded, evaluation, settings).error
    finally:
        engine.dispose()


def test_a_duplicate_feature_fails_the_run_with_the_reason(store_url: str, tmp_path: Path) -> None:
    error = _store(store_url, tmp_path, _evaluation("x", "x"))
    assert error is not None
    assert error.startswith("results not stored: the store refused them: ")
    assert "unique" in error.lower()
    assert [(r["status"], r["error"]) for r in runs(store_url)] == [("failed", error)]
    assert counts(store_url) == (1, 0)


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_a_value_too_long_for_postgresql_fails_the_run_with_the_reason(
    store_url: str, tmp_path: Path
) -> None:
    error = _store(store_url, tmp_path, _evaluation("x" * 300))
    assert error == (
        "results not stored: the store refused them: value too long for type character varying(255)"
    )
    assert [r["status"] for r in runs(store_url)] == ["failed"]

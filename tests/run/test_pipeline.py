"""The pipeline's store step: values the store refuses fail the run once, with the reason,
instead of being retried forever as if the store were down; a push that fails after the
commit only adds its reason to the stored run."""

from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from driftboard.jobs.load import LoadedSpec
from driftboard.jobs.spec import JobSpec
from driftboard.jobs.window import Window
from driftboard.prometheus import push
from driftboard.results import Delivery, Evaluation, FeatureOutcome, RunResult
from driftboard.run import pipeline
from driftboard.settings import Settings
from driftboard.store import connect
from tests.support.cli_helpers import counts, runs
from tests.support.helpers import WINDOW_END, spec_dict
from tests.support.misbehaving import misbehaving

WINDOW = Window(WINDOW_END - timedelta(hours=1), WINDOW_END)


def _evaluation(*names: str) -> Evaluation:
    features = [
        FeatureOutcome(
            n,
            "feature",
            "numerical",
            "ok",
            stattest="wasserstein",
            score=0.01,
            threshold=0.1,
            drift_detected=False,
        )
        for n in names
    ]
    return Evaluation("test-model", WINDOW, "succeeded", WINDOW_END, WINDOW_END, features=features)


def _store(url: str, tmp_path: Path, evaluation: Evaluation, pushgateway: str | None = None) -> RunResult:
    loaded = LoadedSpec(tmp_path / "job.yaml", JobSpec.model_validate(spec_dict()))
    settings = Settings(
        database_url=SecretStr(url), reports_dir=tmp_path / "reports", pushgateway_url=pushgateway
    )
    engine = connect.make_engine(url)
    try:
        return pipeline.store(engine, loaded, evaluation, settings)
    finally:
        engine.dispose()


def test_a_duplicate_feature_fails_the_run_with_the_reason(store_url: str, tmp_path: Path) -> None:
    error = _store(store_url, tmp_path, _evaluation("x", "x")).error
    assert error is not None
    assert error.startswith("results not stored: the store refused them: ")
    assert "unique" in error.lower()
    assert [(r["status"], r["error"]) for r in runs(store_url)] == [("failed", error)]
    assert counts(store_url) == (1, 0)


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_a_value_too_long_for_postgresql_fails_the_run_with_the_reason(
    store_url: str, tmp_path: Path
) -> None:
    error = _store(store_url, tmp_path, _evaluation("x" * 300)).error
    assert error == (
        "results not stored: the store refused them: value too long for type character varying(255)"
    )
    assert [r["status"] for r in runs(store_url)] == ["failed"]


@pytest.mark.parametrize(
    ("service", "reason"),
    [
        (
            "ssh",
            "push to the Pushgateway failed after 3 attempts: BadStatusLine: SSH-2.0-OpenSSH_9.2p1 Debian-2",
        ),
        (
            "trickle",
            "push to the Pushgateway failed after 3 attempts: no complete answer within the 0.3 s deadline",
        ),
    ],
)
def test_a_push_that_fails_after_the_commit_only_adds_its_reason(
    service: str, reason: str, store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A port where another protocol answers, and a gateway that never finishes its answer (a
    deadline on each attempt, not only on each read): the stored run and its rows stay."""
    monkeypatch.setattr(push, "ATTEMPT_DEADLINE", 0.3)
    with misbehaving(service) as url:
        result = _store(store_url, tmp_path, _evaluation("x", "y"), pushgateway=url)
    assert (result.error, result.delivery) == (None, Delivery(error=reason.strip()))
    assert [(r["status"], r["push_error"]) for r in runs(store_url)] == [("succeeded", reason.strip())]
    assert counts(store_url) == (1, 2)

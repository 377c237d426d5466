"""The retrain hook end to end: `driftboard run` on the example data (drift from 2026-01-02 in
three known features, tenure_months severe) posting to the capture server. As the critical
alert, the hook waits for the second critically drifted run in a row (model_drift_runs)."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.alerting import CLEAN_AT, DRIFTED_AT, EARLIER_DRIFTED_AT, example_job
from tests.support.cli_helpers import invoke, runs, store_env
from tests.support.realstack import WEBHOOK_PATH, CaptureServer, free_port

TOKEN = "retrain-token-of-the-test"
REPORTS_URL = "https://reports.example.com/reports"
OLDER_DRIFTED_AT = "2026-01-02T12:00:00Z"  # window [00:00, 12:00): drifted, and older than DRIFTED_AT


@pytest.fixture
def capture() -> Iterator[CaptureServer]:
    server = CaptureServer()
    yield server
    server.close()


def job(tmp_path: Path, retrain: bool) -> tuple[Path, str]:
    path, model = example_job(tmp_path)
    spec = yaml.safe_load(path.read_text())
    path.write_text(yaml.safe_dump({**spec, "retrain": retrain}))
    return path, model


def hook_env(tmp_path: Path, sqlite_url: str, url: str) -> dict[str, str]:
    url_file = tmp_path / "retrain-url"
    url_file.write_text(url + "\n")
    return store_env(sqlite_url, tmp_path) | {
        "DRIFTBOARD_RETRAIN_URL_FILE": str(url_file),
        "DRIFTBOARD_RETRAIN_TOKEN": TOKEN,
        "DRIFTBOARD_REPORTS_URL": REPORTS_URL,
    }


def run(spec: Path, at: str, env: dict[str, str]) -> dict[str, Any]:
    result = invoke(["run", str(spec), "--at", at, "--json"], env)
    assert result.code == 0, result.stderr
    assert TOKEN not in result.stdout + result.stderr
    return dict(result.json()["run"])


def drifted_twice(spec: Path, env: dict[str, str]) -> dict[str, Any]:
    """The second critically drifted run in a row: the one that pages, or calls the hook."""
    first = run(spec, EARLIER_DRIFTED_AT, env)
    assert (first["live"], first["retrain_error"]) == (True, None)  # one run pages nothing
    return run(spec, DRIFTED_AT, env)


def test_a_critical_live_run_calls_the_hook_once_with_window_features_and_report(
    tmp_path: Path, sqlite_url: str, capture: CaptureServer
) -> None:
    spec, model = job(tmp_path, retrain=True)
    env = hook_env(tmp_path, sqlite_url, capture.url(WEBHOOK_PATH))
    assert capture.requests == []
    summary = drifted_twice(spec, env)
    assert (summary["live"], summary["retrain_error"]) == (True, None)

    (call,) = capture.requests
    assert call.path == WEBHOOK_PATH
    assert call.headers["Authorization"] == f"Bearer {TOKEN}"
    body = call.body
    assert body["model"] == model
    assert body["run_id"] == summary["id"]
    assert body["window"] == {"start": "2026-01-02T06:00:00+00:00", "end": "2026-01-02T18:00:00+00:00"}
    features = [f["feature"] for f in body["drifted_features"]]
    assert features == ["tenure_months", "monthly_charges", "contract_type"]  # worst first
    assert body["drifted_features"][0]["drift_ratio"] > 3  # the severe one
    assert body["report_path"] == f"{model}/20260102T180000Z.html"
    assert body["report_url"] == f"{REPORTS_URL}/{model}/20260102T180000Z.html"
    assert (tmp_path / "reports" / body["report_path"]).is_file()

    # A clean window, and an older (history) window though drifted, call nothing.
    run(spec, CLEAN_AT, env)
    history = run(spec, OLDER_DRIFTED_AT, env)
    assert (history["live"], history["n_drifted"], history["retrain_error"]) == (False, 3, None)
    assert len(capture.requests) == 1


def test_a_model_that_did_not_opt_in_never_calls(
    tmp_path: Path, sqlite_url: str, capture: CaptureServer
) -> None:
    spec, _ = job(tmp_path, retrain=False)
    summary = drifted_twice(spec, hook_env(tmp_path, sqlite_url, capture.url(WEBHOOK_PATH)))
    assert summary["retrain_error"] is None
    assert capture.requests == []


def test_off_by_default_says_so_when_a_model_opted_in(tmp_path: Path, sqlite_url: str) -> None:
    spec, _ = job(tmp_path, retrain=True)
    summary = drifted_twice(spec, store_env(sqlite_url, tmp_path))
    assert summary["status"] == "succeeded"
    assert summary["retrain_error"] == "retrain hook not called: DRIFTBOARD_RETRAIN_URL(_FILE) is not set"


def test_a_failing_hook_is_said_and_the_run_stays(tmp_path: Path, sqlite_url: str) -> None:
    spec, _ = job(tmp_path, retrain=True)
    env = hook_env(tmp_path, sqlite_url, f"http://127.0.0.1:{free_port()}{WEBHOOK_PATH}")
    summary = drifted_twice(spec, env)
    assert summary["retrain_error"].startswith("retrain hook failed after 3 attempts: ")
    assert "Connection refused" in summary["retrain_error"]
    assert "127.0.0.1" not in summary["retrain_error"]  # the URL may carry a secret
    assert [(r["status"], r["n_drifted"]) for r in runs(sqlite_url)] == [("succeeded", 3)] * 2

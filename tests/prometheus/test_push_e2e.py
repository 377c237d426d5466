"""The real run → Pushgateway → Prometheus rules → Alertmanager → Slack/PagerDuty path.

`driftboard run` on the example data (drift from 2026-01-02 in three known features) pushes to
the real Pushgateway; the capture server stands in for Slack and PagerDuty.
"""

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.alerting import (
    CLEAN_AT,
    DRIFTED_AT,
    EARLIER_DRIFTED_AT,
    GRAFANA,
    NOTIFY_TIMEOUT,
    alert_now,
    example_job,
    pagerduty_about,
    slack_about,
)
from tests.support.cli_helpers import invoke, runs, store_env
from tests.support.realstack import PAGERDUTY_PATH, SLACK_PATH, Stack, free_port, http_json


def run(job: Path, at: str, env: dict[str, str]) -> dict[str, Any]:
    result = invoke(["run", str(job), "--at", at, "--json"], env)
    assert result.code == 0, result.stderr
    return result.json()


def test_drifted_run_pages_with_its_features_and_a_calmer_rerun_resolves(
    alerting_stack: Stack, tmp_path: Path, sqlite_url: str
) -> None:
    job, model = example_job(tmp_path)
    env = store_env(sqlite_url, tmp_path) | {"DRIFTBOARD_PUSHGATEWAY_URL": alerting_stack.pushgateway_url}
    # The first critically drifted run does not page (issue 15: one run could page).
    assert run(job, EARLIER_DRIFTED_AT, env)["run"]["push_error"] is None
    assert model_drift_now(alerting_stack, model, runs_in_a_row=1) == []
    assert run(job, DRIFTED_AT, env)["run"]["push_error"] is None

    trigger = alerting_stack.capture.wait_for(
        PAGERDUTY_PATH, pagerduty_about(model, "trigger"), NOTIFY_TIMEOUT, f"PagerDuty trigger for {model}"
    ).body
    firing = trigger["payload"]["custom_details"]["firing"]
    # tenure_months is ~9.6x its threshold: past the default severe ratio of 3.
    assert (
        "Drifted features (drift ratio): tenure_months (9.63), monthly_charges (8.82), contract_type (2.32)."
        in firing
    )
    assert trigger["client_url"] == f"{GRAFANA}/d/driftboard-heatmap?var-model={model}"
    assert not alerting_stack.capture.find(SLACK_PATH, slack_about(model, "FIRING"))  # inhibited

    # Only the newest window is live: the same window, re-run with levels nothing reaches, resolves.
    first_push = runs(sqlite_url)[0]["pushed_at"]
    spec = yaml.safe_load(job.read_text())
    job.write_text(
        yaml.safe_dump({**spec, "alerts": {"severe_drift_ratio": 1000, "drift_share_critical": 1}})
    )
    run(job, DRIFTED_AT, env)
    resolve = alerting_stack.capture.wait_for(
        PAGERDUTY_PATH, pagerduty_about(model, "resolve"), NOTIFY_TIMEOUT, f"PagerDuty resolve for {model}"
    ).body
    assert resolve["dedup_key"] == trigger["dedup_key"]
    stored = runs(sqlite_url)
    assert len(stored) == 2  # the re-run replaced its window
    assert first_push is not None
    assert all(r["pushed_at"] is not None for r in stored)


def model_drift_now(stack: Stack, model: str, runs_in_a_row: int) -> list[dict[str, Any]]:
    ready = (
        f'driftboard_model_drift_consecutive_runs{{model="{model}"}} == {runs_in_a_row} '
        f'and on (model) driftboard:alert_model_drift_runs{{model="{model}"}}'
    )
    return alert_now(stack, "DriftboardModelDrift", model, ready)


def test_spec_overrides_turn_drift_into_slack_warnings(
    alerting_stack: Stack, tmp_path: Path, sqlite_url: str
) -> None:
    # Overrides pushed with the run: one drifted run is enough, and nothing is severe enough to page.
    job, model = example_job(tmp_path, feature_drift_runs=1, severe_drift_ratio=1000)
    env = store_env(sqlite_url, tmp_path) | {"DRIFTBOARD_PUSHGATEWAY_URL": alerting_stack.pushgateway_url}
    run(job, DRIFTED_AT, env)
    # With the test stack's group_wait of 0 s the first alert may go out alone; the group's
    # next notification (group_interval 1 s) carries all three.
    title = f"[FIRING:3] DriftboardFeatureDrift for model {model}"
    message = alerting_stack.capture.wait_for(
        SLACK_PATH, lambda b: b["attachments"][0]["title"] == title, NOTIFY_TIMEOUT, title
    ).body["attachments"][0]
    for feature in ("tenure_months", "monthly_charges", "contract_type"):
        assert feature in message["text"]
    assert not alerting_stack.capture.find(PAGERDUTY_PATH, pagerduty_about(model, "trigger"))


@pytest.mark.slow
def test_pushgateway_down_keeps_the_results_and_marks_the_run(tmp_path: Path, sqlite_url: str) -> None:
    job, _ = example_job(tmp_path)
    env = store_env(sqlite_url, tmp_path) | {"DRIFTBOARD_PUSHGATEWAY_URL": f"http://127.0.0.1:{free_port()}"}
    body = run(job, DRIFTED_AT, env)
    assert body["run"]["status"] == "succeeded"
    assert body["run"]["n_drifted"] == 3
    assert body["run"]["push_error"].startswith("push to the Pushgateway failed after 3 attempts: ")
    assert "Connection refused" in body["run"]["push_error"]
    (row,) = runs(sqlite_url)
    assert (row["status"], row["n_drifted"], row["pushed_at"]) == ("succeeded", 3, None)
    assert row["push_error"] == body["run"]["push_error"]


def test_failed_run_alerts_job_failing_and_keeps_the_last_drift_series(
    alerting_stack: Stack, tmp_path: Path, sqlite_url: str
) -> None:
    job, model = example_job(tmp_path, severe_drift_ratio=1000, feature_drift_runs=5)
    env = store_env(sqlite_url, tmp_path) | {"DRIFTBOARD_PUSHGATEWAY_URL": alerting_stack.pushgateway_url}
    run(job, DRIFTED_AT, env)
    failed = invoke(["run", str(job), "--at", "2026-02-01T00:00:00Z"], env)  # no data there
    assert failed.code == 1
    message = alerting_stack.capture.wait_for(
        SLACK_PATH, slack_about(model, "FIRING"), NOTIFY_TIMEOUT, f"JobFailing for {model}"
    ).body["attachments"][0]
    assert message["title"] == f"[FIRING:1] DriftboardJobFailing for model {model}"
    # The failed run pushed only its status (POST): the drift series of the last good run remain.
    series = alerting_stack.query(f'driftboard_feature_drift_detected{{model="{model}"}} == 1')
    assert sorted(s["metric"]["feature"] for s in series) == [
        "contract_type",
        "monthly_charges",
        "tenure_months",
    ]
    assert alerting_stack.query(f'driftboard_run_success{{model="{model}"}}')[0]["value"][1] == "0"


def test_decommission_deletes_the_models_group(
    alerting_stack: Stack, tmp_path: Path, sqlite_url: str
) -> None:
    job, model = example_job(tmp_path)
    env = store_env(sqlite_url, tmp_path) | {"DRIFTBOARD_PUSHGATEWAY_URL": alerting_stack.pushgateway_url}
    run(job, CLEAN_AT, env)
    groups = http_json(f"{alerting_stack.pushgateway_url}/api/v1/metrics")["data"]
    assert any(g["labels"].get("model") == model for g in groups)
    result = invoke(["decommission", model], env)
    assert (result.code, result.stdout.strip()) == (0, f"deleted the Pushgateway group of {model}")
    groups = http_json(f"{alerting_stack.pushgateway_url}/api/v1/metrics")["data"]
    assert not any(g["labels"].get("model") == model for g in groups)
    assert len(runs(sqlite_url)) == 1  # history is kept

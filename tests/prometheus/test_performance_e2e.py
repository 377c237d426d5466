"""`driftboard labels` → Pushgateway → Prometheus rules → Alertmanager → Slack/PagerDuty: the
newest window's performance is pushed, DriftboardPerformanceDegraded fires at the spec's
severity, and decommission removes the performance group too."""

import uuid
from pathlib import Path
from typing import Any

import pytest

from driftboard.jobs.spec import Labels
from driftboard.sla.performance import performance
from tests.sla.test_sla_labels import NOW, traffic
from tests.support.alerting import NOTIFY_TIMEOUT, pagerduty_about, slack_about
from tests.support.cli_helpers import invoke, store_env
from tests.support.helpers import frames, write_job
from tests.support.realstack import PAGERDUTY_PATH, SLACK_PATH, Stack, http_json

COLUMNS = {"numerical": ["x", "y"], "categorical": ["c"], "prediction": {"name": "p"}, "target": "t"}


def labelled_job(tmp_path: Path, **labels: Any) -> tuple[Path, str, list[float]]:
    """Three fully labelled hourly windows ending 10:00, 11:00, 12:00 and their f1."""
    current = traffic({10: 1.0, 11: 1.0, 12: 1.0})
    ref, _ = frames()
    ref["p"], ref["t"] = 0.5, 0
    model = f"perf-{uuid.uuid4().hex[:8]}"
    f1 = [
        performance(w["t"], w["p"], Labels(), True)["f1"]
        for w in (current.iloc[i : i + 40] for i in (0, 40, 80))
    ]
    spec = write_job(tmp_path, ref, current, model=model, columns=COLUMNS, labels={"metric": "f1", **labels})
    return spec, model, f1


def refresh(spec: Path, env: dict[str, str]) -> None:
    result = invoke(["labels", str(spec), "--at", NOW.isoformat()], env)
    assert result.code == 0, result.stderr
    assert "warning" not in result.stderr  # pushed


def test_degraded_performance_warns_in_slack(alerting_stack: Stack, tmp_path: Path, sqlite_url: str) -> None:
    spec, model, f1 = labelled_job(tmp_path, threshold=1.0, alert_windows=3)  # no f1 reaches 1: 3 in a row
    env = store_env(sqlite_url, tmp_path) | {"DRIFTBOARD_PUSHGATEWAY_URL": alerting_stack.pushgateway_url}
    refresh(spec, env)
    message = alerting_stack.capture.wait_for(
        SLACK_PATH, slack_about(model, "FIRING"), NOTIFY_TIMEOUT, f"PerformanceDegraded for {model}"
    ).body["attachments"][0]
    assert message["title"] == f"[FIRING:1] DriftboardPerformanceDegraded for model {model}"
    pushed = alerting_stack.query(f'driftboard_performance{{model="{model}",metric="f1"}}')
    assert float(pushed[0]["value"][1]) == pytest.approx(f1[-1])
    share = alerting_stack.query(f'driftboard_performance_labelled_ratio{{model="{model}"}}')
    assert share[0]["value"][1] == "1"
    result = invoke(["decommission", model], env)
    assert result.code == 0, result.stderr
    groups = http_json(f"{alerting_stack.pushgateway_url}/api/v1/metrics")["data"]
    assert not any(g["labels"].get("model") == model for g in groups)


def test_a_critical_spec_pages_and_a_met_threshold_stays_quiet(
    alerting_stack: Stack, tmp_path: Path, sqlite_url: str
) -> None:
    env = store_env(sqlite_url, tmp_path) | {"DRIFTBOARD_PUSHGATEWAY_URL": alerting_stack.pushgateway_url}
    quiet_dir, loud_dir = tmp_path / "quiet", tmp_path / "loud"
    quiet_dir.mkdir()
    loud_dir.mkdir()
    quiet, quiet_model, _ = labelled_job(quiet_dir, threshold=0.0, severity="critical")
    refresh(quiet, env)
    loud, model, _ = labelled_job(loud_dir, threshold=1.0, severity="critical")
    refresh(loud, env)
    trigger = alerting_stack.capture.wait_for(
        PAGERDUTY_PATH, pagerduty_about(model, "trigger"), NOTIFY_TIMEOUT, f"PagerDuty trigger for {model}"
    ).body
    assert trigger["payload"]["severity"] == "critical"
    # The quiet model's series were scraped (the same push path), and no alert names it.
    assert alerting_stack.query(f'driftboard_performance_degraded_windows{{model="{quiet_model}"}}')
    assert alerting_stack.alertmanager_alerts(model=quiet_model) == []

"""alerting/alertmanager.yml, offline with amtool: valid, routes every alert where it belongs,
keeps secrets out, and its inhibit rules name real alerts. The inhibitions themselves need a
running Alertmanager: tests/prometheus/test_alerting_e2e.py::test_inhibit_rule has a case per rule.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from driftboard.prometheus import rules
from tests.support.repo import REPO as ROOT

pytestmark = pytest.mark.prometheus_stack  # amtool

AM_CONFIG = ROOT / "alerting" / "alertmanager.yml"
TEMPLATES = ROOT / "alerting" / "templates" / "*.tmpl"
SEVERITY = {
    name: alert["severity"]
    for name, alert in rules.load_config(ROOT / "alerting" / "config.yml")["alerts"].items()
}
RECEIVERS = {"warning": "slack", "critical": "pagerduty"}


def amtool(*args: str) -> subprocess.CompletedProcess[str]:
    """Run amtool; a missing binary fails the test."""
    if shutil.which("amtool") is None:
        pytest.fail("amtool not found: apt-get install --no-install-recommends prometheus-alertmanager")
    return subprocess.run(
        ["amtool", *args], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )


def routes_test(receivers: str, labels: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return amtool(
        "config",
        "routes",
        "test",
        f"--config.file={AM_CONFIG}",
        f"--verify.receivers={receivers}",
        *(f"{k}={v}" for k, v in labels.items()),
    )


def test_check_config_passes() -> None:
    result = amtool("check-config", str(AM_CONFIG))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 inhibit rules" in result.stdout


def expected_receivers(alert: str) -> str:
    # No retraining receiver: driftboard calls the retrain hook itself (driftboard/run/retrain.py).
    return RECEIVERS[SEVERITY[alert]]


@pytest.mark.parametrize("alert", list(rules.ALERTS))
def test_every_alert_routes_by_its_configured_severity(alert: str) -> None:
    labels = {"alertname": alert, "severity": SEVERITY[alert], "model": "churn"}
    result = routes_test(expected_receivers(alert), labels)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("labels", "receivers"),
    [
        # A severity no route knows still reaches people.
        ({"alertname": "Other", "severity": "info"}, "slack"),
        # Fleet-wide alerts have no model label.
        ({"alertname": "DriftboardPushgatewayDown", "severity": "critical"}, "pagerduty"),
        ({"alertname": "DriftboardModelDrift", "severity": "warning", "model": "m"}, "slack"),
    ],
)
def test_edge_routes(labels: dict[str, str], receivers: str) -> None:
    result = routes_test(receivers, labels)
    assert result.returncode == 0, result.stdout + result.stderr


def test_route_verification_catches_a_wrong_receiver() -> None:
    # Guards the tests above against an amtool that would accept anything.
    result = routes_test("slack", {"alertname": "DriftboardModelDrift", "severity": "critical"})
    assert result.returncode != 0


def config() -> dict[str, Any]:
    return dict(yaml.safe_load(AM_CONFIG.read_text()))


def test_secrets_come_from_files_under_etc_alertmanager_secrets() -> None:
    receivers = {r["name"]: r for r in config()["receivers"]}
    slack = receivers["slack"]["slack_configs"][0]
    pagerduty = receivers["pagerduty"]["pagerduty_configs"][0]
    assert "api_url" not in slack
    assert {"routing_key", "service_key"}.isdisjoint(pagerduty)
    files = {slack["api_url_file"], pagerduty["routing_key_file"]}
    assert len(files) == 2
    assert all(f.startswith("/etc/alertmanager/secrets/") for f in files), files
    assert "global" not in config()  # global slack_api_url etc. would bypass the files


def test_only_slack_and_pagerduty_receive() -> None:
    # Out of the box every receiver has a destination once .env is filled in: no optional
    # receiver (the retrain hook once was one) fails to deliver.
    assert {r["name"] for r in config()["receivers"]} == {"slack", "pagerduty"}


def test_both_receivers_send_resolved() -> None:
    receivers = {r["name"]: r for r in config()["receivers"]}
    assert receivers["slack"]["slack_configs"][0]["send_resolved"] is True
    assert receivers["pagerduty"]["pagerduty_configs"][0]["send_resolved"] is True


def test_inhibit_rules_name_only_existing_alerts() -> None:
    named: set[str] = set()
    for rule in config()["inhibit_rules"]:
        for matcher in rule["source_matchers"] + rule["target_matchers"]:
            match = re.fullmatch(r'alertname=~?"([^"]+)"', matcher)
            if match:
                named.update(match.group(1).split("|"))
    assert named
    assert named <= set(rules.ALERTS), named - set(rules.ALERTS)


def render(template: str, data: dict[str, Any], tmp_path: Path) -> str:
    data_file = tmp_path / "data.json"
    data_file.write_text(json.dumps(data))
    result = amtool(
        "template",
        "render",
        f"--template.glob={TEMPLATES}",
        f"--template.text={template}",
        f"--template.data={data_file}",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip()


def test_templates_render_title_severity_and_links(tmp_path: Path) -> None:
    alert = {
        "status": "firing",
        "labels": {"alertname": "DriftboardModelDrift", "model": "churn", "severity": "critical"},
        "annotations": {
            "summary": "Model churn has critical data drift",
            "description": "75% of the features drifted.",
            "dashboard_url": "https://g/d/x",
            "runbook_url": "https://r#x",
        },
    }
    data = {
        "status": "firing",
        "alerts": [alert],
        "commonLabels": alert["labels"],
        "groupLabels": {},
        "commonAnnotations": {},
        "externalURL": "",
        "receiver": "pagerduty",
    }
    assert (
        render('{{ template "driftboard.title" . }}', data, tmp_path)
        == "[FIRING:1] DriftboardModelDrift for model churn"
    )
    assert render('{{ template "driftboard.pagerduty.severity" . }}', data, tmp_path) == "critical"
    assert render('{{ template "driftboard.slack.text" . }}', data, tmp_path) == (
        "*Model churn has critical data drift*\n75% of the features drifted.\n"
        "<https://g/d/x|Dashboard> | <https://r#x|Runbook>"
    )

"""The Prometheus rules: valid for promtool, passing their unit tests, in step with the config."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from driftboard.prometheus import rules
from tests.support.repo import REPO as ROOT

pytestmark = pytest.mark.prometheus_stack  # promtool

RULES_FILE = ROOT / "alerting" / "rules" / "driftboard.yml"
UNIT_TESTS = sorted((ROOT / "alerting" / "rules" / "tests").glob("*.yml"))


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    """Run a command from the repository root; a missing binary fails the test."""
    if shutil.which(argv[0]) is None:
        pytest.fail(f"{argv[0]} not found: apt-get install --no-install-recommends prometheus")
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)


def generator(*args: str) -> subprocess.CompletedProcess[str]:
    return run(sys.executable, "-m", "driftboard.prometheus.rules", *args)


def test_rules_pass_promtool_check() -> None:
    result = run("promtool", "check", "rules", str(RULES_FILE))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(rules.THRESHOLDS) + len(rules.ALERTS)} rules found" in result.stdout


@pytest.mark.parametrize("unit_test", UNIT_TESTS, ids=lambda path: path.name)
def test_promtool_unit_tests_pass(unit_test: Path) -> None:
    result = run("promtool", "test", "rules", str(unit_test))
    assert result.returncode == 0, result.stdout + result.stderr


def alert_rule_tests() -> list[dict[str, Any]]:
    return [
        case
        for path in UNIT_TESTS
        for group in yaml.safe_load(path.read_text())["tests"]
        for case in group.get("alert_rule_test", [])
    ]


@pytest.mark.parametrize("alert", list(rules.ALERTS))
def test_every_alert_has_a_quiet_and_a_firing_unit_test(alert: str) -> None:
    cases = [case for case in alert_rule_tests() if case["alertname"] == alert]
    assert any(not case.get("exp_alerts") for case in cases), f"{alert}: no quiet case"
    firing = [a for case in cases for a in case.get("exp_alerts") or []]
    assert firing, f"{alert}: no firing case"
    for expected in firing:  # exact links, not just "something fired"
        annotations = expected["exp_annotations"]
        assert annotations["runbook_url"].endswith(f"#{alert.lower()}")
        assert "/d/driftboard-" in annotations["dashboard_url"]


def test_every_recording_rule_has_a_unit_test() -> None:
    tested = {
        case["expr"]
        for path in UNIT_TESTS
        for group in yaml.safe_load(path.read_text())["tests"]
        for case in group.get("promql_expr_test", [])
    }
    assert {f"driftboard:alert_{name}" for name in rules.THRESHOLDS} <= tested


def test_committed_rules_match_the_config() -> None:
    result = generator("--check")
    assert result.returncode == 0, result.stderr


def test_check_fails_on_a_stale_rules_file(tmp_path: Path) -> None:
    stale = tmp_path / "driftboard.yml"
    stale.write_text(RULES_FILE.read_text().replace("* 3", "* 4", 1))
    result = generator("--check", "--output", str(stale))
    assert result.returncode == 1
    assert "is stale" in result.stderr


def test_generator_writes_what_check_accepts(tmp_path: Path) -> None:
    output = tmp_path / "rules.yml"
    assert generator("--output", str(output)).returncode == 0
    assert output.read_text() == RULES_FILE.read_text()
    assert generator("--check", "--output", str(output)).returncode == 0


def test_config_values_reach_the_rules() -> None:
    config = rules.load_config(ROOT / "alerting" / "config.yml")
    config["thresholds"]["feature_drift_runs"] = 7
    config["links"]["grafana_url"] = "https://grafana.test/"
    config["alerts"]["DriftboardJobFailing"] = {"severity": "critical", "for": "10m"}
    rendered = yaml.safe_load(rules.render(config))
    recorded, alerts = (group["rules"] for group in rendered["groups"])
    runs = next(r for r in recorded if r["record"] == "driftboard:alert_feature_drift_runs")
    assert runs["expr"].rstrip().endswith("* 7")
    failing = next(r for r in alerts if r["alert"] == "DriftboardJobFailing")
    assert failing["for"] == "10m"
    assert failing["labels"] == {"severity": "critical"}
    assert failing["annotations"]["dashboard_url"].startswith("https://grafana.test/d/driftboard-job-health?")


def without(config: dict[str, Any], dotted: str) -> dict[str, Any]:
    *parents, last = dotted.split(".")
    node = config
    for key in parents:
        node = node[key]
    del node[last]
    return config


@pytest.mark.parametrize(
    "dotted",
    [
        "links.grafana_url",
        "links.runbook_url",
        "thresholds.feature_drift_runs",
        "thresholds.stale_intervals",
        "thresholds.model_drift_runs",
        "thresholds.low_volume_ratio",
        "volume_baseline_runs",
        "push_failures_window",
        "pushgateway_job",
        "alerts.DriftboardModelDrift.severity",
        "alerts.DriftboardJobStale.for",
        "alerts.DriftboardPushgatewayDown",
    ],
)
def test_a_missing_value_fails_loudly(dotted: str, tmp_path: Path) -> None:
    config = without(rules.load_config(ROOT / "alerting" / "config.yml"), dotted)
    with pytest.raises(rules.ConfigError, match=re.escape(dotted)):
        rules.render(config)
    path = tmp_path / "config.yml"
    path.write_text(yaml.safe_dump(config))
    result = generator("--config", str(path), "--output", str(tmp_path / "out.yml"))
    assert result.returncode != 0
    assert dotted in result.stderr
    assert not (tmp_path / "out.yml").exists()


@pytest.mark.parametrize(
    ("dotted", "value", "message"),
    [
        ("thresholds.feature_drift_runz", 3, "unknown keys"),
        ("alerts.DriftboardFeatureDrfit", {"severity": "warning", "for": "0s"}, "unknown keys"),
        ("alerts.DriftboardFeatureDrift.severity", "page", "must be one of"),
        ("thresholds.null_ratio_increase", "0.2", "positive number"),
        ("thresholds.severe_drift_ratio", 0, "positive number"),
        ("thresholds.model_drift_runs", 1.5, "positive whole number"),
        ("volume_baseline_runs", 0, "positive whole number"),
    ],
)
def test_an_invalid_value_fails_loudly(dotted: str, value: Any, message: str) -> None:
    config = rules.load_config(ROOT / "alerting" / "config.yml")
    *parents, last = dotted.split(".")
    node = config
    for key in parents:
        node = node[key]
    node[last] = value
    with pytest.raises(rules.ConfigError, match=message):
        rules.render(config)


def test_runbook_has_a_section_per_alert() -> None:
    headings = re.findall(r"^## (\S+)$", (ROOT / "alerting" / "runbook.md").read_text(), re.M)
    assert sorted(headings) == sorted(rules.ALERTS)

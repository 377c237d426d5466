"""The stack's Prometheus configuration is valid and loads the repository's rules."""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support.repo import REPO

pytestmark = pytest.mark.prometheus_stack  # promtool


def test_promtool_accepts_the_config_with_the_repo_rules(tmp_path: Path) -> None:
    promtool = shutil.which("promtool")
    assert promtool, "promtool is missing: install Debian's prometheus package (scripts/setup.sh does)"
    config = yaml.safe_load((REPO / "alerting" / "prometheus.yml").read_text())
    assert config["rule_files"] == ["/etc/prometheus/rules/*.yml"]  # where compose mounts alerting/rules
    config["rule_files"] = [str(REPO / "alerting" / "rules" / "*.yml")]
    path = tmp_path / "prometheus.yml"
    path.write_text(yaml.safe_dump(config))
    done = subprocess.run([promtool, "check", "config", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    groups = yaml.safe_load((REPO / "alerting" / "rules" / "driftboard.yml").read_text())["groups"]
    assert f"SUCCESS: {sum(len(g['rules']) for g in groups)} rules found" in done.stdout


def test_pushgateway_scrape_keeps_pushed_labels() -> None:
    config = yaml.safe_load((REPO / "alerting" / "prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert jobs["pushgateway"]["honor_labels"] is True
    assert "driftboard-scheduler" in jobs

"""Every PromQL expression of the dashboards parses, as Grafana would send it.

promtool (Debian's `prometheus` package) checks a throwaway rule file holding each expanded
expression as a recording rule. A missing promtool fails these tests: it never skips them.
Running the expressions against a live Prometheus is left to the stack's end-to-end tests:
`inventory.promql_targets()` + `macros.expand_promql()` give them what to send.
"""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from driftboard.dashboards import inventory
from tests.support.dashboard_history import MODELS, RANGE
from tests.support.dashboard_support import GENERATED
from tests.support.grafana_macros import Value, expand_promql

pytestmark = pytest.mark.prometheus_stack  # promtool

# Multi-value dashboards get several models (an alternation), single-value ones one model.
VARIABLES: dict[str, dict[str, Value]] = {
    "driftboard-overview": {"model": MODELS[:2]},
    "driftboard-job-health": {"model": ["churn", "fraud.v2"]},
    "driftboard-feature": {"model": "churn", "feature": ["income"]},
}


def promtool() -> str:
    path = shutil.which("promtool")
    assert path, "promtool is missing: apt-get install -y --no-install-recommends prometheus"
    return path


def check_rules(expressions: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    rules = [
        {"record": f"driftboard:dashboard_check_{i}", "expr": expr} for i, expr in enumerate(expressions)
    ]
    path = tmp_path / "dashboard_exprs.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard_exprs", "rules": rules}]}))
    return subprocess.run(
        [promtool(), "check", "rules", str(path)], capture_output=True, text=True, timeout=60
    )


def expanded() -> list[str]:
    return [expand_promql(t.text, VARIABLES[t.dashboard], RANGE) for t in inventory.promql_targets(GENERATED)]


def test_there_are_promql_targets_on_every_prometheus_dashboard() -> None:
    assert {t.dashboard for t in inventory.promql_targets(GENERATED)} == set(VARIABLES)


def test_every_expression_parses(tmp_path: Path) -> None:
    expressions = expanded()
    result = check_rules(expressions, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(expressions)} rules found" in result.stdout


@pytest.mark.parametrize("broken", ["sum by (model (x)", "rate(x[$__rate_interval])", 'x{model=~"(a|b"}'])
def test_the_check_catches_broken_expressions(tmp_path: Path, broken: str) -> None:
    assert check_rules([*expanded(), broken], tmp_path).returncode != 0


def test_only_known_metric_names_are_queried() -> None:
    """Names from the scheduler and the Pushgateway push; a typo would show an empty panel."""
    known = {"ALERTS", "driftboard_push_failures_total", "driftboard_run_last_success_timestamp_seconds"}
    used = {name for t in inventory.promql_targets(GENERATED) for name in _metric_names(t.text)}
    assert used <= known, used - known


def _metric_names(expr: str) -> set[str]:
    import re

    words = set(re.findall(r"\b([A-Za-z_:][\w:]*)\s*\{", expr))
    return words - {"by", "without"}

"""Every PromQL target of the dashboards, run against the real Prometheus after a real
`driftboard run` pushed a drifted window: no errors, and series where the data exists."""

import urllib.parse
from datetime import UTC, datetime, timedelta
from pathlib import Path

from driftboard.dashboards import inventory
from tests.support.alerting import DRIFTED_AT, example_job
from tests.support.cli_helpers import invoke, store_env
from tests.support.grafana_macros import QueryRange, expand_promql
from tests.support.realstack import Stack, http_json, wait_until

# Only the scheduler exports push failures; this stack runs no scheduler, so that panel's
# query must run cleanly but has nothing to show.
SCHEDULER_ONLY = "driftboard_push_failures_total"


def run_query(stack: Stack, expr: str, kind: str, rng: QueryRange) -> list[object]:
    if kind == "instant" or kind == "annotation":
        params = {"query": expr, "time": f"{rng.end.timestamp():.3f}"}
        url = f"{stack.prometheus_url}/api/v1/query?" + urllib.parse.urlencode(params)
    else:
        params = {"query": expr, "start": rng.start.timestamp(), "end": rng.end.timestamp(), "step": "1"}
        url = f"{stack.prometheus_url}/api/v1/query_range?" + urllib.parse.urlencode(params)
    body = http_json(url)
    assert body["status"] == "success", (expr, body)
    return list(body["data"]["result"])


def test_every_promql_target_runs_and_returns_series(
    alerting_stack: Stack, tmp_path: Path, sqlite_url: str
) -> None:
    job, model = example_job(tmp_path, model_drift_runs=1)  # one drifted run pages: alerts to show
    env = store_env(sqlite_url, tmp_path) | {"DRIFTBOARD_PUSHGATEWAY_URL": alerting_stack.pushgateway_url}
    assert invoke(["run", str(job), "--at", DRIFTED_AT], env).code == 0
    firing = f'ALERTS{{model="{model}", alertstate="firing"}}'
    wait_until(lambda: alerting_stack.query(firing), 20, f"a firing alert for {model}")

    now = datetime.now(UTC)
    rng = QueryRange(now - timedelta(minutes=2), now, interval="1s")
    variables = {"model": [model], "feature": ["tenure_months"]}
    targets = inventory.promql_targets()
    assert targets
    for target in targets:
        expr = expand_promql(target.text, variables, rng, scrape="1s")
        result = run_query(alerting_stack, expr, target.format, rng)
        if SCHEDULER_ONLY not in expr:
            assert result, f"{target.dashboard} {target.origin}: no series for {expr}"

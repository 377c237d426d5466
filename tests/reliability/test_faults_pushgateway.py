"""The Pushgateway down for a while, then back on the same port (a real one, of these tests
only: the session's `alerting_stack` is shared and must stay up).

- Down at a push's first attempt, back before its retry: the retry delivers the run.
- Down for whole runs, under the scheduler: the results are stored, each run says why its
  push failed, driftboard_push_failures_total counts them and Prometheus fires
  DriftboardPushFailing and DriftboardPushgatewayDown; once it is back, the next push puts
  the latest run's values in the Pushgateway and Prometheus.
"""

import signal
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import text

from driftboard.prometheus import push, rules
from driftboard.store import connect
from tests.support.cli_helpers import invoke, runs, store_env
from tests.support.helpers import WINDOW_END, write_job
from tests.support.realstack import (
    free_port,
    http_json,
    prometheus_test_config,
    rules_config_for_tests,
    wait_until,
)
from tests.support.schedproc import Scheduler, spec_text, write_data

pytestmark = [pytest.mark.slow, pytest.mark.prometheus_stack]  # a real Pushgateway, stopped and restarted

MODEL = "pgw-outage"


class Daemon:
    """One binary of the monitoring stack on a fixed loopback port, to stop and start again."""

    def __init__(self, directory: Path, name: str, args: list[str]) -> None:
        self.directory, self.name, self.port = directory, name, free_port()
        self.args = [a.replace("{port}", str(self.port)) for a in args]
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with (self.directory / f"{self.name}.log").open("ab") as log:
            self.proc = subprocess.Popen([self.name, *self.args], stdout=log, stderr=log, cwd=self.directory)
        wait_until(self._ready, 30, f"{self.name} ready")

    def _ready(self) -> bool:
        try:
            urllib.request.urlopen(f"{self.url}/-/ready", timeout=1).close()
            return True
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(15)


@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[Daemon]:
    daemon = Daemon(
        tmp_path, "prometheus-pushgateway", ["--persistence.file=", "--web.listen-address=127.0.0.1:{port}"]
    )
    daemon.start()
    yield daemon
    daemon.stop()


def group(gateway: Daemon, model: str) -> dict[str, Any] | None:
    groups = http_json(f"{gateway.url}/api/v1/metrics")["data"]
    return next((g for g in groups if g["labels"].get("model") == model), None)


def gauge(found: dict[str, Any], name: str, **labels: str) -> float:
    series = found[name]["metrics"]
    return float(next(s["value"] for s in series if labels.items() <= s["labels"].items()))


def test_a_push_is_retried_and_delivered_when_the_gateway_returns(
    gateway: Daemon, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gateway.stop()
    monkeypatch.setattr(push._send.retry, "before_sleep", lambda state: gateway.start())  # type: ignore[attr-defined]
    store = f"sqlite:///{tmp_path / 'store.db'}"
    env = store_env(store, tmp_path) | {"DRIFTBOARD_PUSHGATEWAY_URL": gateway.url}
    result = invoke(["run", str(write_job(tmp_path, model="pgw-retry")), "--at", WINDOW_END.isoformat()], env)
    assert result.code == 0, result.stderr
    assert push._send.statistics["attempt_number"] == 2  # type: ignore[attr-defined]
    (row,) = runs(store)
    assert (row["push_error"], row["pushed_at"] is not None) == (None, True)
    found = group(gateway, "pgw-retry")
    assert found is not None
    assert gauge(found, "driftboard_run_window_end_timestamp_seconds") == WINDOW_END.timestamp()


@pytest.fixture
def outage(gateway: Daemon, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A scheduler pushing to `gateway`; Prometheus scraping both, with the repository's rules."""
    write_data(tmp_path / "data")
    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs" / "m.yaml").write_text(spec_text(MODEL, "2s", tmp_path / "data"))
    url = f"sqlite:///{tmp_path / 'store.db'}"
    sched = Scheduler(tmp_path / "jobs", url, tmp_path / "scheduler.log", pushgateway_url=gateway.url)
    prometheus = _prometheus(tmp_path, gateway, sched)
    try:
        prometheus.start()
        yield {"sched": sched, "prometheus": prometheus, "url": url, "gateway": gateway}
    finally:
        sched.kill_group()
        prometheus.stop()


def _prometheus(tmp_path: Path, gateway: Daemon, sched: Scheduler) -> Daemon:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "driftboard.yml").write_text(rules.render(rules_config_for_tests()))
    config = prometheus_test_config(
        tmp_path / "rules", "pushgateway", f"127.0.0.1:{gateway.port}", "127.0.0.1:1"
    )
    scheduler_job = {
        "job_name": "driftboard-scheduler",
        "static_configs": [{"targets": [f"127.0.0.1:{sched.port}"]}],
    }
    config["scrape_configs"].append(scheduler_job)
    del config["alerting"]  # the alerts are read from Prometheus; routing is test_alerting_e2e's
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    args = [f"--config.file={tmp_path / 'prometheus.yml'}", f"--storage.tsdb.path={tmp_path / 'prom'}"]
    return Daemon(tmp_path, "prometheus", [*args, "--web.listen-address=127.0.0.1:{port}"])


def query(prometheus: Daemon, promql: str) -> list[dict[str, Any]]:
    return list(
        http_json(f"{prometheus.url}/api/v1/query?" + urllib.parse.urlencode({"query": promql}))["data"][
            "result"
        ]
    )


def firing(prometheus: Daemon, alert: str) -> list[dict[str, Any]]:
    return query(prometheus, f'ALERTS{{alertname="{alert}", alertstate="firing"}}')


def stored_features(url: str, run_id: int) -> dict[str, float]:
    engine = connect.make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT feature, score FROM feature_results WHERE run_id = :r"), {"r": run_id}
        )
        scores = {r.feature: r.score for r in rows}
    engine.dispose()
    return scores


def after(url: str, moment: datetime, pushed: bool) -> dict[str, Any] | None:
    """The first run started after `moment` whose push succeeded (or failed)."""
    column = "pushed_at" if pushed else "push_error"
    return next((r for r in runs(url) if r["started_at"] > moment and r[column] is not None), None)


def test_an_outage_keeps_the_results_alerts_and_heals_at_the_next_push(outage: dict[str, Any]) -> None:
    sched, prometheus, gateway, url = outage["sched"], outage["prometheus"], outage["gateway"], outage["url"]
    wait_until(lambda: after(url, sched.started, pushed=True), 120, "a pushed run")
    # The counter's 0 must be scraped before the first failure for increase() to see it.
    wait_until(
        lambda: query(prometheus, f'driftboard_push_failures_total{{model="{MODEL}"}} == 0'), 60, "0 scraped"
    )

    gateway.stop()
    stopped = datetime.now(UTC)
    failed = wait_until(lambda: after(url, stopped, pushed=False), 60, "a run whose push failed")
    assert (
        failed["push_error"]
        == "push to the Pushgateway failed after 3 attempts: ConnectionRefusedError: Connection refused"
    )
    assert (failed["status"], failed["pushed_at"], failed["n_features"]) == ("succeeded", None, 2)
    assert set(stored_features(url, failed["id"])) == {"x", "y"}  # the results are all there
    assert (sched.metric("driftboard_push_failures_total", model=MODEL) or 0) >= 1
    wait_until(lambda: firing(prometheus, "DriftboardPushgatewayDown"), 60, "DriftboardPushgatewayDown")
    alert = wait_until(lambda: firing(prometheus, "DriftboardPushFailing"), 60, "DriftboardPushFailing")
    assert [a["metric"]["model"] for a in alert] == [MODEL]

    gateway.start()  # empty: --persistence.file= keeps nothing across restarts
    back = datetime.now(UTC)
    wait_until(lambda: after(url, back, pushed=True), 60, "a run pushed after the gateway returned")
    assert sched.stop() == 0  # lets the run in flight finish and push: nothing moves after this
    last = runs(url)[-1]
    assert (last["pushed_at"] is not None, last["push_error"]) == (True, None)
    found = group(gateway, MODEL)
    assert found is not None
    assert gauge(found, "driftboard_run_window_end_timestamp_seconds") == last["window_end"].timestamp()
    for feature, score in stored_features(url, last["id"]).items():
        assert gauge(found, "driftboard_feature_drift_score", feature=feature) == pytest.approx(score)
    promql = (
        f'driftboard_run_window_end_timestamp_seconds{{model="{MODEL}"}} == {last["window_end"].timestamp()}'
    )
    wait_until(lambda: query(prometheus, promql), 30, "Prometheus to scrape the healed values")

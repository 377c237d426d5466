"""No secret leaks at run time: the secrets are set the way production sets them, every path
is driven to success and to failure, and everything that comes out is searched for them.

Production (docker-compose.yml, .env.example): the database password inside
DRIFTBOARD_DATABASE_URL, Grafana's in DRIFTBOARD_GRAFANA_DB_PASSWORD, Slack's webhook URL
and PagerDuty's routing key in files that only Alertmanager reads. Here they also sit in
the driftboard processes' environment and in a `.env` in their working directory, the
worst place an operator could leave them. Fresh random values per session, so a value in
the output can only have come from this test.
"""

import json
import logging
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import text

from driftboard.store import connect
from tests.support.cli_helpers import invoke, store_env
from tests.support.databases import migrated
from tests.support.helpers import WINDOW_END, frames, write_job
from tests.support.realstack import PAGERDUTY_ROUTING_KEY, SLACK_PATH, Stack, http_json
from tests.support.schedproc import REPO, Cluster, Scheduler, field, spec_text, wait_for, write_data

pytestmark = pytest.mark.slow  # a scheduler process and CLI subprocesses


def _hex(n: int) -> str:
    return uuid.uuid4().hex[:n]


DB_SECRET, GRAFANA_SECRET, WRONG_SECRET = f"db-{_hex(20)}", f"gf-{_hex(20)}", f"wrong-{_hex(12)}"
SLACK_URL = "https://hooks.slack.com/services/" + "/".join(("T" + _hex(8), "B" + _hex(8), _hex(24)))
PAGERDUTY_KEY = uuid.uuid4().hex
SECRETS = (DB_SECRET, GRAFANA_SECRET, WRONG_SECRET, SLACK_URL, PAGERDUTY_KEY)
QUERY = "SELECT * FROM events WHERE ts >= :window_start AND ts < :window_end"
AT = ["--at", WINDOW_END.isoformat()]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    cluster = Cluster(password=DB_SECRET)
    try:
        cluster.ctl("start")
        engine = connect.make_engine(cluster.url)
        _, cur = frames()
        cur.assign(ts=pd.to_datetime(cur["ts"])).to_sql("events", engine, index=False)
        engine.dispose()
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture
def production_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The secrets in the environment, in secret files and in a .env of the working directory."""
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "slack-webhook-url").write_text(SLACK_URL)
    (tmp_path / "secrets" / "pagerduty-routing-key").write_text(PAGERDUTY_KEY)
    env = {
        "POSTGRES_PASSWORD": DB_SECRET,
        "DRIFTBOARD_GRAFANA_DB_PASSWORD": GRAFANA_SECRET,
        "SLACK_WEBHOOK_URL": SLACK_URL,
        "PAGERDUTY_ROUTING_KEY": PAGERDUTY_KEY,
        "SLACK_WEBHOOK_URL_FILE": str(tmp_path / "secrets" / "slack-webhook-url"),
        "PAGERDUTY_ROUTING_KEY_FILE": str(tmp_path / "secrets" / "pagerduty-routing-key"),
    }
    (tmp_path / ".env").write_text("".join(f"{k}={v}\n" for k, v in env.items()))
    monkeypatch.chdir(tmp_path)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def wrong(url: str) -> str:
    return url.replace(DB_SECRET, WRONG_SECRET)


def unreachable(url: str) -> str:
    return url.replace(url.split("@")[1].split("/")[0], "127.0.0.1:1")


def assert_no_secret(where: str, text_: str) -> None:
    found = [secret for secret in SECRETS if secret in text_]
    assert not found, f"{where} shows {len(found)} secret(s)"  # never print the secret itself


def jobs(folder: Path) -> tuple[Path, Path]:
    """A model reading its window from the password-protected server, and one with a wrong password."""
    good = write_job(folder, model="secret-ok", current={"sql": {"url_env": "SOURCE_URL", "query": QUERY}})
    bad = write_job(
        folder, name="bad.yaml", model="secret-bad", current={"sql": {"url_env": "BAD_URL", "query": QUERY}}
    )
    return good, bad


def stored_messages(url: str) -> str:
    engine = connect.make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT model, error, push_error FROM runs")).all()
    engine.dispose()
    return repr(rows)


@pytest.mark.postgres
def test_cli_success_and_failure_paths_show_no_secret(
    cluster: Cluster,
    production_env: dict[str, str],
    tmp_path: Path,
    alerting_stack: Stack,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    good, bad = jobs(tmp_path)
    url = cluster.url
    env = store_env(url, tmp_path) | {
        "DRIFTBOARD_PUSHGATEWAY_URL": alerting_stack.pushgateway_url,
        "SOURCE_URL": url,
        "BAD_URL": wrong(url),
    }
    steps = [
        (["db", "upgrade"], {}, 0),
        (["db", "grant-grafana"], {}, 0),
        (["run", str(good), *AT, "--json"], {}, 0),
        (["run", str(bad), *AT, "--json"], {}, 1),  # the source refuses the password
        (["run", str(good), *AT], {"DRIFTBOARD_DATABASE_URL": wrong(url)}, 3),
        (["run", str(good), *AT], {"DRIFTBOARD_DATABASE_URL": unreachable(url)}, 3),
        (["db", "upgrade"], {"DRIFTBOARD_DATABASE_URL": wrong(url)}, 3),
    ]
    for args, extra, code in steps:
        result = invoke(args, env | extra)
        assert_no_secret(f"driftboard {' '.join(args[:2])}", result.stdout + result.stderr)
        assert result.code == code, args
    assert_no_secret("log records", caplog.text)
    assert_no_secret("stored run errors", stored_messages(url))
    assert_no_secret(
        "the Pushgateway", json.dumps(http_json(f"{alerting_stack.pushgateway_url}/api/v1/metrics"))
    )
    assert_no_secret("the server's log", (cluster.root / "log").read_text())


@pytest.mark.postgres
def test_the_scheduler_shows_no_secret(
    cluster: Cluster,
    production_env: dict[str, str],
    tmp_path: Path,
    alerting_stack: Stack,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One scheduler runs a good and a failing model and pushes; one cannot log in at all."""
    url = migrated(cluster.url)
    (tmp_path / "jobs").mkdir()
    write_data(tmp_path / "data")
    monkeypatch.setenv("BAD_URL", wrong(url))
    source = '{sql: {url_env: BAD_URL, query: "SELECT * FROM events"}}'
    (tmp_path / "jobs" / "ok.yaml").write_text(spec_text("sched-ok", "2s", tmp_path / "data"))
    (tmp_path / "jobs" / "bad.yaml").write_text(spec_text("sched-bad", "2s", tmp_path / "data", source))
    refused = refused_scheduler(tmp_path, wrong(url))
    sched = Scheduler(
        tmp_path / "jobs",
        url,
        tmp_path / "scheduler.log",
        pushgateway_url=alerting_stack.pushgateway_url,
        retry_attempts="1",  # the refused source fails at once, without backoff
    )
    try:
        wait_for(
            "both models' first runs",
            lambda: (
                {field(line, "model") for line in sched.lines("run finished")} == {"sched-ok", "sched-bad"}
                or sched.exited()
            ),
            120,
        )
        metrics = sched.get("/metrics")[1] + sched.get("/healthz")[1]
        finished = {(field(line, "model"), field(line, "status")) for line in sched.lines("run finished")}
        assert {("sched-ok", "succeeded"), ("sched-bad", "failed")} <= finished  # both paths ran
        assert sched.stop() == 0
    finally:
        sched.kill_group()
    output = refused.communicate(timeout=60)[0]
    assert refused.returncode == 3
    assert_no_secret("the refused scheduler's output", output)
    assert_no_secret("the scheduler's log", sched.log.read_text())
    assert_no_secret("the scheduler's /metrics and /healthz", metrics)
    assert_no_secret("stored run errors", stored_messages(url))
    assert_no_secret(
        "the Pushgateway", json.dumps(http_json(f"{alerting_stack.pushgateway_url}/api/v1/metrics"))
    )


def refused_scheduler(tmp_path: Path, url: str) -> "subprocess.Popen[str]":
    env = os.environ | {
        "PYTHONPATH": str(REPO),
        "DRIFTBOARD_DATABASE_URL": url,
        "DRIFTBOARD_SCHEDULER_PORT": "0",
    }
    command = [sys.executable, "-m", "driftboard", "scheduler", "--jobs", str(tmp_path / "jobs")]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_alertmanager_never_shows_the_contents_of_its_secret_files(alerting_stack: Stack) -> None:
    """The repository's alertmanager.yml reads Slack's URL and PagerDuty's key from files."""
    status = json.dumps(http_json(f"{alerting_stack.alertmanager_url}/api/v2/status"))
    logs = alerting_stack.logs()
    for secret in (PAGERDUTY_ROUTING_KEY, alerting_stack.capture.url(SLACK_PATH)):
        assert secret not in status
        assert secret not in logs
    assert "secrets/pagerduty-routing-key" in status  # it is configured, by path

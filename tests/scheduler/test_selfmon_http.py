"""The HTTP endpoint (routes, mounting, health) and the structured log format."""

import json
import logging
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from driftboard.httpd import HttpServer, standard_router
from driftboard.jobs.window import Window
from driftboard.scheduler import selfmon
from driftboard.scheduler.logfmt import StructuredFormatter, run_log
from tests.support.repo import REPO


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def echo_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [f"{environ['SCRIPT_NAME']}|{environ['PATH_INFO']}".encode()]


@pytest.fixture
def server() -> Iterator[tuple[str, dict[str, Any]]]:
    health: dict[str, Any] = {"ok": True}
    router = standard_router(
        selfmon.REGISTRY, lambda: (health["ok"], {"database": "ok" if health["ok"] else "down"})
    )
    router.mount("/reports/", echo_app)
    http = HttpServer("127.0.0.1", 0, router)
    http.start()
    yield f"http://127.0.0.1:{http.port}", health
    http.stop()


def test_metrics_expose_the_push_failure_hook(server: tuple[str, dict[str, Any]]) -> None:
    base, _ = server
    selfmon.record_push_failure("hooked")
    selfmon.record_push_failure("hooked")
    status, body = get(base + "/metrics")
    assert status == 200
    assert 'driftboard_push_failures_total{model="hooked"} 2.0' in body


def test_job_info_follows_loading_and_unloading(server: tuple[str, dict[str, Any]]) -> None:
    base, _ = server
    selfmon.job_loaded("jobby", 1234.5)
    body = get(base + "/metrics")[1]
    assert 'driftboard_scheduler_job_info{model="jobby"} 1.0' in body
    assert 'driftboard_last_success_timestamp_seconds{model="jobby"} 1234.5' in body
    # At zero from loading on, so that increase() over the first failure sees it.
    assert 'driftboard_push_failures_total{model="jobby"} 0.0' in body
    selfmon.job_unloaded("jobby")
    assert 'job_info{model="jobby"}' not in get(base + "/metrics")[1]


def test_healthz_reflects_the_check(server: tuple[str, dict[str, Any]]) -> None:
    base, health = server
    assert get(base + "/healthz") == (200, json.dumps({"healthy": True, "database": "ok"}) + "\n")
    health["ok"] = False
    status, body = get(base + "/healthz")
    assert (status, json.loads(body)["database"]) == (503, "down")


def test_mounted_apps_get_their_prefix_and_unknown_paths_404(server: tuple[str, dict[str, Any]]) -> None:
    base, _ = server
    assert get(base + "/reports/m/2026.html") == (200, "/reports|/m/2026.html")
    assert get(base + "/nope")[0] == 404
    assert get(base + "/metricsx")[0] == 404


def _record(**extra: Any) -> logging.LogRecord:
    window = Window(datetime(2026, 3, 1, 11, tzinfo=UTC), datetime(2026, 3, 1, 12, tzinfo=UTC))
    log = run_log("t", "churn", window, "abc123")
    record: list[logging.LogRecord] = []
    log.logger.addHandler(handler := _Capture(record))
    log.logger.propagate = False
    log.warning('said "hi"', extra=extra)
    log.logger.removeHandler(handler)
    return record[0]


class _Capture(logging.Handler):
    def __init__(self, into: list[logging.LogRecord]) -> None:
        super().__init__()
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record)


def test_logfmt_lines_carry_model_window_run_id_and_extras() -> None:
    line = StructuredFormatter("logfmt").format(_record(status="failed", error="a b"))
    assert "level=warning" in line
    assert 'msg="said \\"hi\\""' in line
    assert "model=churn window=2026-03-01T11:00:00Z/2026-03-01T12:00:00Z run_id=abc123" in line
    assert line.endswith('status=failed error="a b"')


def test_json_lines_parse_and_lines_without_a_run_say_so() -> None:
    fields = json.loads(StructuredFormatter("json").format(_record(row_id=7)))
    assert (fields["model"], fields["run_id"], fields["row_id"]) == ("churn", "abc123", 7)
    plain = StructuredFormatter("logfmt").format(logging.makeLogRecord({"msg": "started"}))
    assert "model=- window=- run_id=-" in plain


@pytest.mark.slow
def test_a_taken_port_fails_at_once_with_exit_code_2(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("DRIFTBOARD_")}
        env |= {"PYTHONPATH": str(REPO), "DRIFTBOARD_SCHEDULER_PORT": str(port)}
        command = [sys.executable, "-m", "driftboard", "scheduler", "--jobs", str(tmp_path)]
        done = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
    assert not (tmp_path / "driftboard.db").exists()  # refused before touching the store

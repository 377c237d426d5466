"""The real Pushgateway, Prometheus and Alertmanager, as plain processes on loopback, for tests.

`start_stack(directory)` starts all three on free 127.0.0.1 ports with the repository's
rules and Alertmanager config, fast test timings (1 s scrape and evaluation, group_wait
0 s, group_interval 1 s), and the notification secrets written into `directory` so that
Slack, PagerDuty and any webhook post to a `CaptureServer` on 127.0.0.1 (which also stands
in for the retrain hook that driftboard itself calls, at WEBHOOK_PATH).
`Stack.stop()` ends only the processes it started, by PID. The session fixture that wraps
this lives in tests/support/stack_plugin.py.

Rules under test are rendered from alerting/config.yml by `driftboard.prometheus.rules.render` with
one change: every alert's `for:` becomes 0 s, so tests never wait out a `for:`.
"""

from __future__ import annotations

import functools
import json
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import yaml

from driftboard.prometheus import rules
from tests.support.repo import REPO as ROOT

ALERTING = ROOT / "alerting"
BINARIES = ("prometheus-pushgateway", "prometheus", "prometheus-alertmanager")  # Debian names
SLACK_PATH, PAGERDUTY_PATH, WEBHOOK_PATH = "/slack", "/pagerduty", "/retrain"
PAGERDUTY_ROUTING_KEY, WEBHOOK_TOKEN = "test-routing-key", "test-retrain-token"
T = TypeVar("T")


def wait_until(check: Callable[[], T | None], timeout: float, what: str, interval: float = 0.1) -> T:
    """Poll `check` until it returns something truthy, which is returned; fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_json(url: str, method: str = "GET", body: Any = None, timeout: float = 5) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        payload = response.read()
    return json.loads(payload) if payload else None


@dataclass(frozen=True)
class Captured:
    path: str
    headers: dict[str, str]
    body: Any  # parsed JSON


class CaptureServer:
    """Stands in for Slack, PagerDuty and webhooks (the retrain hook); records every POST."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: list[Captured] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    @property
    def requests(self) -> list[Captured]:
        with self._lock:
            return list(self._requests)

    def find(self, path: str, match: Callable[[Any], bool]) -> list[Captured]:
        return [r for r in self.requests if r.path == path and match(r.body)]

    def wait_for(self, path: str, match: Callable[[Any], bool], timeout: float, what: str) -> Captured:
        try:
            return wait_until(lambda: next(iter(self.find(path, match)), None), timeout, what)
        except TimeoutError as error:
            seen = [r.body for r in self.requests if r.path == path]
            raise TimeoutError(f"{error}; {path} received: {json.dumps(seen)[-4000:]}") from None

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _record(self, captured: Captured) -> None:
        with self._lock:
            self._requests.append(captured)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        capture = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                capture._record(Captured(self.path, dict(self.headers), json.loads(raw)))
                # What the real services answer: Slack 200 "ok", PagerDuty 202 with JSON.
                if self.path == PAGERDUTY_PATH:
                    self._reply(202, b'{"status":"success","message":"Event processed"}')
                else:
                    self._reply(200, b"ok")

            def _reply(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep pytest output clean

        return Handler


def rules_config_for_tests() -> dict[str, Any]:
    """The repository's alerting config with every `for:` at 0 s."""
    config = rules.load_config(ALERTING / "config.yml")
    for alert in config["alerts"].values():
        alert["for"] = "0s"
    return config


def _redirect_secrets(node: Any, directory: Path, secrets: dict[str, str]) -> None:
    """Points every `*_file` setting at a file in `directory` holding the test secret."""
    if isinstance(node, list):
        for item in node:
            _redirect_secrets(item, directory, secrets)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key.endswith("_file"):
            path = directory / "secrets" / Path(value).name
            path.parent.mkdir(exist_ok=True)
            path.write_text(secrets[key], encoding="utf-8")  # KeyError: a new kind of secret
            node[key] = str(path)
        else:
            _redirect_secrets(value, directory, secrets)


def alertmanager_test_config(directory: Path, capture: CaptureServer) -> dict[str, Any]:
    """The repository's alertmanager.yml, pointed at `capture`, with test timings."""
    config = yaml.safe_load((ALERTING / "alertmanager.yml").read_text(encoding="utf-8"))
    config["templates"] = [str(ALERTING / t) for t in config["templates"]]
    config["route"].update(group_wait="0s", group_interval="1s", repeat_interval="1h")
    for route in config["route"].get("routes", []):
        route["repeat_interval"] = "1h"  # no repeats within a test session
    _redirect_secrets(
        config,
        directory,
        {
            "api_url_file": capture.url(SLACK_PATH),
            "routing_key_file": PAGERDUTY_ROUTING_KEY,
            "credentials_file": WEBHOOK_TOKEN,
        },
    )
    for receiver in config["receivers"]:
        for pagerduty in receiver.get("pagerduty_configs", []):
            pagerduty["url"] = capture.url(PAGERDUTY_PATH)
        for webhook in receiver.get("webhook_configs", []):
            webhook["url"] = capture.url(WEBHOOK_PATH)
    return config


def prometheus_test_config(rules_dir: Path, job: str, pushgateway: str, alertmanager: str) -> dict[str, Any]:
    return {
        "global": {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(rules_dir / "*.yml")],
        "alerting": {"alertmanagers": [{"static_configs": [{"targets": [alertmanager]}]}]},
        # honor_labels keeps the pushed job="driftboard" instead of exported_job.
        "scrape_configs": [
            {"job_name": job, "honor_labels": True, "static_configs": [{"targets": [pushgateway]}]}
        ],
    }


@dataclass
class Stack:
    directory: Path
    pushgateway: str  # host:port
    prometheus_url: str
    alertmanager_url: str
    capture: CaptureServer
    rules_config: dict[str, Any]  # what the loaded rules were rendered from
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def pushgateway_url(self) -> str:
        return f"http://{self.pushgateway}"

    def query(self, promql: str) -> list[dict[str, Any]]:
        url = f"{self.prometheus_url}/api/v1/query?" + urllib.parse.urlencode({"query": promql})
        return list(http_json(url)["data"]["result"])

    def alertmanager_alerts(self, **labels: str) -> list[dict[str, Any]]:
        matchers = [("filter", f'{k}="{v}"') for k, v in labels.items()]
        url = f"{self.alertmanager_url}/api/v2/alerts?" + urllib.parse.urlencode(matchers)
        return list(http_json(url))

    def stop(self) -> None:
        """SIGTERM every process this stack started, then SIGKILL what is left after 10 s."""
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        self.capture.close()

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
            for p in sorted(self.directory.glob("*.log"))
        )


def _binaries() -> dict[str, str]:
    found = {name: shutil.which(name) for name in BINARIES}
    missing = [name for name, path in found.items() if path is None]
    if missing:
        raise RuntimeError(
            f"missing {missing}: apt-get install --no-install-recommends "
            "prometheus prometheus-pushgateway prometheus-alertmanager"
        )
    return {name: str(path) for name, path in found.items()}


def _spawn(stack: Stack, name: str, argv: list[str]) -> None:
    log = (stack.directory / f"{name}.log").open("wb")
    stack.processes.append(
        subprocess.Popen(
            argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=stack.directory
        )
    )
    log.close()  # the child keeps its own descriptor


def _write_yaml(path: Path, content: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
    return path


def _launch(stack: Stack, ports: dict[str, int]) -> None:
    bins, d = _binaries(), stack.directory
    (d / "rules").mkdir()
    rules_text = rules.render(stack.rules_config)
    (d / "rules" / "driftboard.yml").write_text(rules_text, encoding="utf-8")
    am_config = _write_yaml(d / "alertmanager.yml", alertmanager_test_config(d, stack.capture))
    prom_config = _write_yaml(
        d / "prometheus.yml",
        prometheus_test_config(
            d / "rules",
            stack.rules_config["pushgateway_job"],
            stack.pushgateway,
            f"127.0.0.1:{ports['alertmanager']}",
        ),
    )
    _spawn(
        stack,
        "pushgateway",
        [bins["prometheus-pushgateway"], "--persistence.file=", f"--web.listen-address={stack.pushgateway}"],
    )
    _spawn(
        stack,
        "alertmanager",
        [
            bins["prometheus-alertmanager"],
            f"--config.file={am_config}",
            f"--storage.path={d / 'am'}",
            f"--web.listen-address=127.0.0.1:{ports['alertmanager']}",
            "--cluster.listen-address=",
        ],
    )
    _spawn(
        stack,
        "prometheus",
        [
            bins["prometheus"],
            f"--config.file={prom_config}",
            f"--storage.tsdb.path={d / 'prom'}",
            f"--web.listen-address=127.0.0.1:{ports['prometheus']}",
        ],
    )


def _ready(url: str) -> bool:
    try:
        urllib.request.urlopen(f"{url}/-/ready", timeout=1).close()
        return True
    except OSError:
        return False


def _wait_ready(stack: Stack, timeout: float) -> None:
    for url in (stack.pushgateway_url, stack.alertmanager_url, stack.prometheus_url):
        wait_until(functools.partial(_ready, url), timeout, f"{url}/-/ready")
    job = stack.rules_config["pushgateway_job"]
    # Prometheus discovers targets and Alertmanagers at most every 5 s: the bulk of start-up.
    wait_until(lambda: stack.query(f'up{{job="{job}"}} == 1'), timeout, "Pushgateway scraped")
    wait_until(
        lambda: http_json(f"{stack.prometheus_url}/api/v1/alertmanagers")["data"]["activeAlertmanagers"],
        timeout,
        "Alertmanager discovered",
    )
    wait_until(
        lambda: http_json(f"{stack.prometheus_url}/api/v1/rules")["data"]["groups"], timeout, "rules loaded"
    )


def start_stack(directory: Path, timeout: float = 30) -> Stack:
    """Start the three services in `directory` (a fresh temporary directory); ready on return."""
    ports = {name: free_port() for name in ("pushgateway", "prometheus", "alertmanager")}
    stack = Stack(
        directory,
        f"127.0.0.1:{ports['pushgateway']}",
        f"http://127.0.0.1:{ports['prometheus']}",
        f"http://127.0.0.1:{ports['alertmanager']}",
        CaptureServer(),
        rules_config_for_tests(),
    )
    try:
        _launch(stack, ports)
        _wait_ready(stack, timeout)
    except BaseException as error:
        stack.stop()
        raise RuntimeError(f"alerting stack did not start: {error}\n{stack.logs()}") from error
    return stack

"""The scheduler's HTTP endpoint and the report server listen on loopback unless configured
otherwise; compose opens the scheduler to its own network only and publishes nothing else
but Grafana and (on loopback) the reports."""

import inspect
import socket
from pathlib import Path

import pytest
import yaml

from driftboard import cli
from driftboard.httpd import HttpServer, Router
from driftboard.settings import Settings
from tests.support.repo import REPO


def listening(port: int) -> set[str]:
    """IPv4 addresses with a listening TCP socket on `port`, from the kernel's table."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, local_port = local.split(":")
        if state == "0A" and int(local_port, 16) == port:  # 0A: LISTEN
            found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return found


def test_the_scheduler_endpoint_listens_on_loopback_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DRIFTBOARD_SCHEDULER_HOST", raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    http = HttpServer(settings.scheduler_host, 0, Router())
    http.start()
    try:
        assert listening(http.port) == {"127.0.0.1"}
    finally:
        http.stop()


def test_another_address_must_be_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRIFTBOARD_SCHEDULER_HOST", "0.0.0.0")
    assert Settings(_env_file=None).scheduler_host == "0.0.0.0"  # type: ignore[call-arg]


def test_the_report_server_defaults_to_loopback() -> None:
    assert inspect.signature(cli.serve_reports).parameters["host"].default == "127.0.0.1"


def test_compose_publishes_only_grafana_and_the_reports_on_loopback() -> None:
    services = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]
    published = {name: s["ports"] for name, s in services.items() if "ports" in s}
    assert published == {"reports": ["127.0.0.1:8090:8090"], "grafana": ["${GRAFANA_PORT:-3000}:3000"]}

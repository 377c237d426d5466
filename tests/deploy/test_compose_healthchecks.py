"""Each healthcheck of docker-compose.yml, run as written against the service started here.

No Docker engine runs on this machine, so every service that can run locally is started as a
plain process (driftboard's own from the compose `command`, PostgreSQL and the Prometheus stack
from Debian's packages) and its healthcheck's command is run against it, with only the
container's address `127.0.0.1:<port>` mapped onto the local one. Each check must pass against
the running service and fail where nothing answers, so that a check that cannot fail (or one
asking for a page that is not there, as `/reports/` once did) is caught.

Grafana cannot run here: it is not packaged for Debian 12 and there is no engine to run its image.
"""

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.support.databases import create_pg_database, drop_pg_database, migrated
from tests.support.realstack import Stack, free_port, wait_until
from tests.support.repo import REPO
from tests.support.schedproc import Scheduler

COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
NOT_HERE = {"grafana": "not packaged for Debian 12, and no Docker engine runs here"}
# Service → the attribute of the test stack holding its address.
PROMETHEUS_STACK = {
    "pushgateway": "pushgateway",
    "prometheus": "prometheus_url",
    "alertmanager": "alertmanager_url",
}


def healthcheck_argv(service: str, port: int) -> list[str]:
    """The service's healthcheck command, its container port mapped onto `port` on loopback."""
    test = SERVICES[service]["healthcheck"]["test"]
    argv = ["sh", "-c", test[1]] if test[0] == "CMD-SHELL" else list(test[1:])
    argv = [re.sub(r"127\.0\.0\.1:\d+", f"127.0.0.1:{port}", arg) for arg in argv]
    return [sys.executable if argv[0] == "python" else argv[0], *argv[1:]]


def healthy(service: str, port: int, env: dict[str, str] | None = None) -> bool:
    done = subprocess.run(
        healthcheck_argv(service, port),
        capture_output=True,
        timeout=30,
        env={**os.environ, **(env or {})},
        check=False,
    )
    return done.returncode == 0


def container_port(service: str) -> int:
    (found,) = set(re.findall(r"127\.0\.0\.1:(\d+)", " ".join(SERVICES[service]["healthcheck"]["test"])))
    return int(found)


def local_command(service: str, port: int) -> list[str]:
    """The service's compose command for the driftboard image, listening on loopback at `port`."""
    args = [str(a) for a in SERVICES[service]["command"]]
    args = ["127.0.0.1" if a == "0.0.0.0" else a for a in args]
    args = [str(port) if a == str(container_port(service)) else a for a in args]
    return [sys.executable, "-m", "driftboard", *args]


def test_every_healthcheck_is_run_here_or_said_why_not() -> None:
    with_checks = {name for name, service in SERVICES.items() if "healthcheck" in service}
    run_here = {"postgres", "scheduler", "reports", *PROMETHEUS_STACK}
    assert with_checks == run_here | set(NOT_HERE)


@pytest.mark.postgres
def test_postgres_healthcheck() -> None:
    # The machine's PostgreSQL 15 stands in for the image's 16; pg_isready asks the server only
    # whether it accepts connections, so the role and database need not exist.
    assert healthy("postgres", 5432, {"PGHOST": "127.0.0.1", "PGPORT": "5432"})
    assert not healthy("postgres", 5432, {"PGHOST": "127.0.0.1", "PGPORT": str(free_port())})


@pytest.mark.parametrize("service", list(PROMETHEUS_STACK))
def test_prometheus_stack_healthchecks(alerting_stack: Stack, service: str) -> None:
    address = getattr(alerting_stack, PROMETHEUS_STACK[service])
    assert healthy(service, int(address.rsplit(":", 1)[1]))
    assert not healthy(service, free_port())


@pytest.fixture
def reports_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"  # empty, as the compose volume is before the first run
    folder.mkdir()
    return folder


@pytest.mark.slow
def test_reports_healthcheck(reports_dir: Path, tmp_path: Path) -> None:
    port = free_port()
    assert not healthy("reports", port)
    env = {**os.environ, "DRIFTBOARD_REPORTS_DIR": str(reports_dir)}
    with (tmp_path / "reports.log").open("wb") as log:
        server = subprocess.Popen(local_command("reports", port), env=env, stdout=log, stderr=log)
    try:
        wait_until(lambda: healthy("reports", port) or server.poll() is not None, 30, "the reports service")
        assert server.poll() is None, (tmp_path / "reports.log").read_text()
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture
def scheduler_store() -> Iterator[str]:
    url = migrated(create_pg_database("driftboard_health"))
    yield url
    drop_pg_database(url)


@pytest.mark.slow
@pytest.mark.postgres
def test_scheduler_healthcheck(scheduler_store: str, tmp_path: Path) -> None:
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    scheduler = Scheduler(jobs, scheduler_store, tmp_path / "scheduler.log")
    try:
        wait_until(lambda: healthy("scheduler", scheduler.port), 60, "the scheduler healthy")
        assert not healthy("scheduler", free_port())
    finally:
        scheduler.kill_group()

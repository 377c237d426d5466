"""docker-compose.yml, checked statically (no Docker engine runs here): schema, pins, mounts,
ports, secrets, and that the image installs the package the tests install."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.repo import REPO

COMPOSE = REPO / "docker-compose.yml"
# Grafana is the front door; the report server is published on loopback only, because a
# browser must reach the Evidently reports the heatmap links to.
PUBLISHED = {"grafana": None, "reports": "127.0.0.1"}
SECRET_WORDS = re.compile(r"PASSWORD|SECRET|TOKEN|ROUTING_KEY|WEBHOOK")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())


def test_validates_against_the_compose_spec() -> None:
    tool = Path(sys.executable).parent / "check-jsonschema"  # installed with the dev extras
    done = subprocess.run(
        [str(tool), "--builtin-schema", "vendor.compose-spec", str(COMPOSE)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_depends_on_names_services(compose: dict[str, Any]) -> None:
    services = set(compose["services"])
    for name, service in compose["services"].items():
        assert set(service.get("depends_on", {})) <= services, name


def test_migrations_run_before_the_scheduler_and_grafana(compose: dict[str, Any]) -> None:
    for name in ("scheduler", "grafana", "demo"):
        assert compose["services"][name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }


def test_every_image_is_pinned(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        image = service["image"]
        assert re.fullmatch(r"[\w./-]+:v?\d+(\.\d+)+[\w.-]*", image), f"{name}: {image} is not pinned"


def test_bind_mounts_exist_in_the_repo(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (REPO / source).exists(), f"{name}: {source} does not exist"


def test_only_grafana_and_loopback_reports_publish_ports(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        ports = service.get("ports", [])
        if name not in PUBLISHED:
            assert not ports, f"{name} publishes {ports}"
        elif PUBLISHED[name]:
            assert all(p.startswith(f"{PUBLISHED[name]}:") for p in ports), name


def test_long_running_services_have_healthchecks(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        if service.get("restart") == "unless-stopped":
            assert "healthcheck" in service, name


def _variables(text: str) -> list[tuple[str, str]]:
    return re.findall(r"\$\{(\w+)(:\?|:-|-|\?)?[^}]*\}", text)


def test_secrets_are_required_variables_without_defaults() -> None:
    text = COMPOSE.read_text()
    secrets = [(name, op) for name, op in _variables(text) if SECRET_WORDS.search(name)]
    assert {name for name, _ in secrets} >= {
        "POSTGRES_PASSWORD",
        "GRAFANA_ADMIN_PASSWORD",
        "SLACK_WEBHOOK_URL_FILE",
    }
    assert all(op == ":?" for _, op in secrets), secrets


def test_env_example_lists_every_required_variable() -> None:
    required = {name for name, op in _variables(COMPOSE.read_text()) if op == ":?"}
    example = (REPO / ".env.example").read_text()
    documented = set(re.findall(r"^(\w+)=", example, flags=re.M))
    assert required <= documented
    assert all(not value for value in re.findall(r"^\w*PASSWORD=(.*)$", example, flags=re.M))


def test_grafana_image_is_the_build_the_dashboards_are_generated_for(compose: dict[str, Any]) -> None:
    """The dashboards' JSON follows the grafana-foundation-sdk build pinned in pyproject.toml
    (its version is `<epoch>!<Grafana version>`): an older Grafana may not read that schema
    version, a newer one migrates it on load. Same major.minor, any patch."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    (pin,) = [d for d in project["dependencies"] if d.startswith("grafana-foundation-sdk")]
    sdk = re.fullmatch(r"grafana-foundation-sdk==(?:\d+!)?(\d+)\.(\d+)\.\d+", pin)
    assert sdk, f"grafana-foundation-sdk must be pinned exactly: {pin}"
    image = compose["services"]["grafana"]["image"]
    grafana = re.fullmatch(r"grafana/grafana(?:-oss)?:v?(\d+)\.(\d+)\.\d+[\w.-]*", image)
    assert grafana, f"not a pinned Grafana OSS image: {image}"
    assert grafana.groups() == sdk.groups(), f"{image} is not Grafana {'.'.join(sdk.groups())}.x ({pin})"


def test_grafana_is_locked_down(compose: dict[str, Any]) -> None:
    env = compose["services"]["grafana"]["environment"]
    assert env["GF_AUTH_ANONYMOUS_ENABLED"] == "false"
    assert env["GF_SECURITY_ADMIN_PASSWORD"].startswith("${GRAFANA_ADMIN_PASSWORD:?")


def test_named_volumes_for_state(compose: dict[str, Any]) -> None:
    mounts = {
        s: [v.split(":")[0] for v in compose["services"][s]["volumes"]]
        for s in ("postgres", "prometheus", "grafana")
    }
    assert mounts["postgres"] == ["pgdata"]
    assert "promdata" in mounts["prometheus"]
    assert "grafana-data" in mounts["grafana"]


def test_dockerfile_installs_this_package_with_its_entry_point() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert "RUN pip install --constraint requirements.lock .\n" in dockerfile
    assert re.search(r"^FROM python:3\.11\.\d+-slim-bookworm$", dockerfile, flags=re.M)
    assert project["requires-python"] == ">=3.11"
    ((command, target),) = project["scripts"].items()
    assert target == "driftboard.cli:main"
    assert f'ENTRYPOINT ["{command}"]' in dockerfile
    copied = re.findall(r"^COPY (\S+)", dockerfile, flags=re.M)
    assert {"driftboard", "migrations", "pyproject.toml"} <= set(copied)
    for source in copied:
        assert (REPO / source).exists()

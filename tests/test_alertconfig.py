"""driftboard.alertconfig: alerting/config.yml found, checked and read as the one source of levels."""

import tomllib
from pathlib import Path

import pytest
import yaml

from driftboard import alertconfig
from driftboard.jobs.spec import Alerts
from driftboard.prometheus import metrics, rules
from driftboard.settings import get_settings
from tests.support.repo import REPO

CONFIG = REPO / "alerting" / "config.yml"


def test_a_checkout_reads_the_repository_file() -> None:
    assert alertconfig.path() == CONFIG
    raw = yaml.safe_load(CONFIG.read_text())
    assert alertconfig.load().thresholds.model_dump() == raw["thresholds"]
    assert alertconfig.load().dashboards.model_dump() == raw["dashboards"]


def test_the_wheel_packs_the_file_where_it_is_looked_for() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    packed = project["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert alertconfig.CANDIDATES[1] == REPO / packed["alerting/config.yml"]  # relative to site-packages


def test_without_a_checkout_the_packaged_copy_is_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    packaged = tmp_path / "_alerting" / "config.yml"
    monkeypatch.setattr(alertconfig, "CANDIDATES", (tmp_path / "missing.yml", packaged))
    packaged.parent.mkdir()
    packaged.write_text(CONFIG.read_text())
    assert alertconfig.path() == packaged


def test_the_setting_overrides_the_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    raw = alertconfig.read(CONFIG)
    raw["thresholds"]["stale_intervals"] = 5
    own = tmp_path / "alerting.yml"
    own.write_text(yaml.safe_dump(raw))
    monkeypatch.setenv("DRIFTBOARD_ALERTING_CONFIG", str(own))
    get_settings.cache_clear()
    try:
        assert alertconfig.load().thresholds.stale_intervals == 5
    finally:
        get_settings.cache_clear()


def test_every_spec_level_has_one_config_key_and_one_pushed_metric() -> None:
    assert set(alertconfig.LEVELS) == set(Alerts.model_fields)
    assert sorted(alertconfig.LEVELS.values()) == sorted(alertconfig.Thresholds.model_fields)
    rendered = rules.render(alertconfig.read(CONFIG))
    for field, metric in metrics.ALERT_OVERRIDES.items():  # what a run pushes, the rules read
        assert metric == alertconfig.override_metric(alertconfig.LEVELS[field])
        assert f"max by (model) ({metric})\n" in rendered


def test_the_config_is_frozen() -> None:
    with pytest.raises(ValueError, match="frozen"):
        alertconfig.load().thresholds.stale_intervals = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    ("section", "key", "value", "message"),
    [
        ("dashboards", "sla", "driftboard sla", "dashboards.sla must be a Grafana uid"),
        ("dashboards", "feeature", "x", "unknown keys under 'dashboards'"),
        ("thresholds", "feature_drift_runs", 2.5, "feature_drift_runs must be a positive whole number"),
        ("links", "grafana_url", None, "required value 'links.grafana_url' is missing"),
    ],
)
def test_a_wrong_value_names_its_key(section: str, key: str, value: object, message: str) -> None:
    raw = alertconfig.read(CONFIG)
    raw[section][key] = value
    with pytest.raises(alertconfig.ConfigError, match=message):
        alertconfig.parse(raw)

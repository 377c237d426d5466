"""alerting/config.yml, checked into frozen objects: the one source of alert levels and dashboard uids.

Like kubernetes-mixin's config object, one commented file that everything reads: the rules
generator (prometheus.rules), the per-model overrides a run pushes (prometheus.metrics), the
levels stored with each model (store.registry) and the dashboards' uids and colours.
"""

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from pydantic_core import ErrorDetails

from driftboard.settings import get_settings

PACKAGE = Path(__file__).resolve().parent
# As with migrations: a source checkout's file, else the copy pyproject.toml packs into the wheel.
CANDIDATES = (PACKAGE.parent / "alerting" / "config.yml", PACKAGE / "_alerting" / "config.yml")
Severity = Literal["warning", "critical"]  # alerting/alertmanager.yml routes on exactly these
SEVERITIES = get_args(Severity)

# A job spec's `alerts:` field → its key under `thresholds:`. The spec's names predate the
# config's; a run pushes a set field as override_metric(key), which the rules read.
LEVELS = {
    "feature_drift_runs": "feature_drift_runs",
    "drift_share_critical": "drift_share_critical_ratio",
    "severe_drift_ratio": "severe_drift_ratio",
    "null_ratio_increase": "null_ratio_increase",
    "unseen_categories_ratio": "unseen_categories_ratio",
    "stale_intervals": "stale_intervals",
    "model_drift_runs": "model_drift_runs",
    "drift_share_severe": "drift_share_severe_ratio",
    "low_volume_ratio": "low_volume_ratio",
}


class ConfigError(ValueError):
    """The alerting config lacks a required value or holds an invalid one."""


def override_metric(key: str) -> str:
    """The series a run pushes when its spec overrides thresholds.<key> for its model."""
    return f"driftboard_alert_{key}"


class _Frozen(BaseModel):
    # Strict: "0.2" in quotes is a typo to report, not a number to guess.
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class Links(_Frozen):
    grafana_url: str
    runbook_url: str


class Thresholds(_Frozen):
    feature_drift_runs: int = Field(gt=0)
    drift_share_critical_ratio: float = Field(gt=0)
    severe_drift_ratio: float = Field(gt=0)
    null_ratio_increase: float = Field(gt=0)
    unseen_categories_ratio: float = Field(gt=0)
    stale_intervals: float = Field(gt=0)
    model_drift_runs: int = Field(gt=0)
    drift_share_severe_ratio: float = Field(gt=0)
    low_volume_ratio: float = Field(gt=0)


Uid = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,40}$")]  # what Grafana accepts


class Dashboards(_Frozen):
    """Each dashboard's fixed uid: alert links and links between dashboards open it by that."""

    overview: Uid
    heatmap: Uid
    feature: Uid
    job_health: Uid
    sla: Uid


class Alert(_Frozen):
    severity: Severity
    for_: str = Field(alias="for")


class AlertConfig(_Frozen):
    links: Links
    thresholds: Thresholds
    dashboards: Dashboards
    volume_baseline_runs: int = Field(gt=0)
    push_failures_window: str
    pushgateway_job: str
    alerts: Mapping[str, Alert]

    def default(self, field: str) -> float:
        """The default of a spec `alerts:` field."""
        value: float = getattr(self.thresholds, LEVELS[field])
        return value


# What a wrong value should have been, by its key or its section.
EXPECTED = {
    "thresholds": "a positive number",
    "feature_drift_runs": "a positive whole number",
    "model_drift_runs": "a positive whole number",
    "volume_baseline_runs": "a positive whole number",
    "severity": f"one of {SEVERITIES}",
    "dashboards": "a Grafana uid: 1 to 40 letters, digits, '-' or '_'",
}


def _problem(error: ErrorDetails) -> str:
    """One error in the config's own words, naming the dotted key."""
    loc = [str(part) for part in error["loc"]]
    dotted = ".".join(loc)
    if error["type"] == "missing" or error["input"] is None:
        return f"required value {dotted!r} is missing"
    if error["type"] == "extra_forbidden":
        return (
            f"unknown keys under {'.'.join(loc[:-1])!r}: {loc[-1:]}" if loc[1:] else f"unknown key {dotted!r}"
        )
    expected = EXPECTED.get(loc[-1]) or EXPECTED.get(loc[0])
    return f"{dotted} must be {expected}" if expected else f"{dotted}: {error['msg']}"


def parse(raw: Mapping[str, Any]) -> AlertConfig:
    try:
        return AlertConfig.model_validate(raw)
    except ValidationError as error:
        problems = "; ".join(_problem(e) for e in error.errors())
        raise ConfigError(f"alerting config: {problems}") from None


def read(source: Path) -> dict[str, Any]:
    """The file as YAML, unchecked (tests change a copy before parsing it)."""
    raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: expected a mapping")
    return raw


def path() -> Path:
    configured = get_settings().alerting_config
    return configured or next((p for p in CANDIDATES if p.is_file()), CANDIDATES[0])


def load() -> AlertConfig:
    """DRIFTBOARD_ALERTING_CONFIG's file, else the checkout's or the wheel's."""
    return _load(path())


@cache
def _load(source: Path) -> AlertConfig:
    return parse(read(source))

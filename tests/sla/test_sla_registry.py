"""monitored_models: written with each run, from the spec, with alerting/config.yml's defaults."""

from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from driftboard import alertconfig
from driftboard.store import connect, registry, schema
from driftboard.store.models import MonitoredModel, Run
from driftboard.store.runs import rows
from tests.support.cli_helpers import invoke, store_env
from tests.support.helpers import write_job
from tests.support.repo import REPO

AT = ["--at", "2026-03-01T12:00:00Z"]


def registered(url: str) -> dict[str, dict[str, Any]]:
    engine = connect.make_engine(url)
    with Session(engine) as session:
        rows = session.scalars(select(MonitoredModel)).all()
        result = {r.model: {k: v for k, v in vars(r).items() if not k.startswith("_")} for r in rows}
    engine.dispose()
    return result


def config_defaults() -> dict[str, float]:
    """The levels a spec without `alerts:` gets, read from the file itself."""
    thresholds = yaml.safe_load((REPO / "alerting" / "config.yml").read_text())["thresholds"]
    return {field: thresholds[alertconfig.LEVELS[field]] for field in registry.STORED_LEVELS}


def test_every_level_column_is_stored() -> None:
    columns = set(MonitoredModel.__table__.c.keys())
    assert set(registry.STORED_LEVELS) == columns & set(alertconfig.LEVELS)
    assert {"drift_share_critical", "severe_drift_ratio", "feature_drift_runs", "stale_intervals"} <= columns


def test_a_run_registers_its_model_with_the_defaults(tmp_path: Path, store_url: str) -> None:
    assert invoke(["run", str(write_job(tmp_path)), *AT], store_env(store_url, tmp_path)).code == 0
    row = registered(store_url)["test-model"]
    assert (row["interval_seconds"], row["freshness_target"], row["healthy_target"]) == (3600, 0.99, 0.95)
    assert {k: row[k] for k in registry.STORED_LEVELS} == config_defaults()
    assert (row["performance_metric"], row["performance_threshold"]) == (None, None)


def test_the_next_run_updates_it_from_the_spec(tmp_path: Path, store_url: str) -> None:
    env = store_env(store_url, tmp_path)
    invoke(["run", str(write_job(tmp_path)), *AT], env)
    changed = write_job(
        tmp_path,
        schedule={"interval": "30m"},
        alerts={"feature_drift_runs": 2, "severe_drift_ratio": 4.5, "stale_intervals": 6},
        sla={"freshness_target": 0.9, "healthy_target": 0.8},
        columns={"numerical": ["x", "y"], "categorical": ["c"], "target": "t", "prediction": {"name": "p"}},
        labels={"task": "regression", "metric": "mae", "threshold": 2.5},
    )
    invoke(["run", str(changed), *AT], env)  # fails (no columns t, p): registered all the same
    (row,) = registered(store_url).values()
    assert (row["interval_seconds"], row["freshness_target"], row["healthy_target"]) == (1800, 0.9, 0.8)
    levels = {k: row[k] for k in registry.STORED_LEVELS}
    # The spec's overrides, and the default where it sets none.
    expected = {"feature_drift_runs": 2, "severe_drift_ratio": 4.5, "stale_intervals": 6}
    assert levels == config_defaults() | expected
    assert levels["drift_share_critical"] == config_defaults()["drift_share_critical"]
    assert (row["performance_metric"], row["performance_threshold"]) == ("mae", 2.5)


def test_registration_and_run_commit_together(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_outcome: Any) -> Run:
        raise RuntimeError("the run's insert failed")

    engine = connect.make_engine(sqlite_url)
    schema.upgrade(engine)
    engine.dispose()
    monkeypatch.setattr(rows, "to_row", broken)
    with pytest.raises(RuntimeError, match="insert failed"):
        invoke(["run", str(write_job(tmp_path)), *AT], store_env(sqlite_url, tmp_path))
    assert registered(sqlite_url) == {}  # the upsert ran first, and was rolled back with the run

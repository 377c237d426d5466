"""The retrain hook as a trigger of its own: after a labels refresh that brings a new labelled
window while the model misses labels.threshold in labels.alert_windows windows in a row."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from driftboard.jobs.spec import Labels
from driftboard.sla.performance import performance
from tests.sla.test_sla_labels import NOW, traffic
from tests.support.cli_helpers import invoke, store_env
from tests.support.helpers import WINDOW_END, frames, write_job
from tests.support.realstack import WEBHOOK_PATH, CaptureServer

COLUMNS = {"numerical": ["x", "y"], "categorical": ["c"], "prediction": {"name": "p"}, "target": "t"}


@pytest.fixture
def capture() -> Iterator[CaptureServer]:
    server = CaptureServer()
    yield server
    server.close()


def refresh(tmp_path: Path, env: dict[str, str], current: pd.DataFrame, retrain: bool, **labels: Any) -> None:
    ref, _ = frames()
    ref["p"], ref["t"] = np.linspace(0, 1, len(ref)), 0
    labels = {"metric": "f1", "threshold": 1.0, **labels}  # no window's f1 reaches 1
    spec = write_job(tmp_path, ref, current, columns=COLUMNS, labels=labels, retrain=retrain)
    result = invoke(["labels", str(spec), "--at", NOW.isoformat()], env)
    assert result.code == 0, result.stderr
    assert "warning" not in result.stderr


def hook_env(tmp_path: Path, sqlite_url: str, capture: CaptureServer) -> dict[str, str]:
    return store_env(sqlite_url, tmp_path) | {"DRIFTBOARD_RETRAIN_URL": capture.url(WEBHOOK_PATH)}


def test_a_new_degraded_window_calls_the_hook_once(
    tmp_path: Path, sqlite_url: str, capture: CaptureServer
) -> None:
    env = hook_env(tmp_path, sqlite_url, capture)
    refresh(tmp_path, env, traffic({10: 1.0}), retrain=True)
    (call,) = capture.requests
    body = call.body
    assert (body["model"], body["trigger"], body["metric"], body["threshold"]) == (
        "test-model",
        "performance",
        "f1",
        1.0,
    )
    assert body["window"]["end"] == WINDOW_END.replace(hour=10).isoformat()
    assert (body["degraded_windows"], body["labelled_share"]) == (1, 1.0)
    first = traffic({10: 1.0}).iloc[:40]
    assert body["value"] == pytest.approx(performance(first["t"], first["p"], Labels(), True)["f1"])
    refresh(tmp_path, env, traffic({10: 1.0}), retrain=True)  # nothing new landed: no second call
    assert len(capture.requests) == 1
    refresh(tmp_path, env, traffic({10: 1.0, 11: 1.0}), retrain=True)  # the next window landed
    assert [r.body["degraded_windows"] for r in capture.requests] == [1, 2]


def test_alert_windows_in_a_row_before_the_call(
    tmp_path: Path, sqlite_url: str, capture: CaptureServer
) -> None:
    env = hook_env(tmp_path, sqlite_url, capture)
    refresh(tmp_path, env, traffic({10: 1.0}), retrain=True, alert_windows=2)
    assert capture.requests == []
    refresh(tmp_path, env, traffic({10: 1.0, 11: 1.0}), retrain=True, alert_windows=2)
    assert [r.body["degraded_windows"] for r in capture.requests] == [2]


def test_a_model_that_did_not_opt_in_never_calls(
    tmp_path: Path, sqlite_url: str, capture: CaptureServer
) -> None:
    refresh(tmp_path, hook_env(tmp_path, sqlite_url, capture), traffic({10: 1.0}), retrain=False)
    assert capture.requests == []

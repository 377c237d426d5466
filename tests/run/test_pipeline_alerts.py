"""The run path to the data alerts, on the real Pushgateway and Prometheus: runs computed and
pushed by the pipeline, then each alert's own generated expression evaluated by Prometheus.

Issue 15, tried on main: a feature going all null, dropped or of the wrong type raised
nothing (its series vanished), schema changes were in no metric, and a window with a tenth
of its usual rows was not alerted.
"""

import uuid
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import SecretStr

from driftboard.jobs.load import LoadedSpec
from driftboard.jobs.spec import JobSpec
from driftboard.jobs.window import Window
from driftboard.results import RunResult
from driftboard.run import pipeline
from driftboard.settings import Settings
from driftboard.store import connect
from tests.support.alerting import alert_now
from tests.support.helpers import WINDOW_END, frames, spec_dict, stamps
from tests.support.realstack import Stack

H = timedelta(hours=1)


def hour(i: int, rows: int, seed: int) -> pd.DataFrame:
    """`rows` rows of the helpers' features in hour i after WINDOW_END."""
    _, cur = frames(n_cur=rows, seed=seed)
    cur["ts"] = stamps(rows, WINDOW_END + i * H)
    return cur


def run(tmp_path: Path, stack: Stack, url: str, cur: pd.DataFrame, i: int, **spec: object) -> RunResult:
    """Hour i's window of a spec over `cur`, stored and pushed by the pipeline; the reference
    is the helpers' with a fourth feature, w."""
    ref, _ = frames(n_ref=600)
    ref.assign(w=np.random.default_rng(5).normal(0, 1, len(ref))).to_csv(
        tmp_path / "reference.csv", index=False
    )
    cur.to_csv(tmp_path / "current.csv", index=False)
    loaded = LoadedSpec(tmp_path / "job.yaml", JobSpec.model_validate(spec_dict(**spec)))
    settings = Settings(
        database_url=SecretStr(url), reports_dir=tmp_path / "reports", pushgateway_url=stack.pushgateway_url
    )
    engine = connect.open_store(settings)  # migrates SQLite
    try:
        window = Window(WINDOW_END + (i - 1) * H, WINDOW_END + i * H)
        return pipeline.run_window(engine, loaded, window, settings)
    finally:
        engine.dispose()


def test_a_window_with_a_tenth_of_its_usual_rows_warns(
    alerting_stack: Stack, tmp_path: Path, sqlite_url: str
) -> None:
    model = f"vol-{uuid.uuid4().hex[:8]}"
    cur = pd.concat([hour(i, 400 + 10 * i, seed=i) for i in range(4)] + [hour(4, 40, seed=9)])

    def ready(rows: int) -> str:  # the run's baseline pushed, and the level recorded for it
        expected = f'driftboard_run_expected_rows{{model="{model}"}} == {rows}'
        return f"({expected}) and on (model) driftboard:alert_low_volume_ratio"

    for i in range(4):
        assert run(tmp_path, alerting_stack, sqlite_url, cur, i, model=model).delivery.error is None
    # Windows 0-2 are the baseline of window 3 (median 410 rows): 430 rows are usual.
    assert alert_now(alerting_stack, "DriftboardLowVolume", model, ready(410)) == []
    run(tmp_path, alerting_stack, sqlite_url, cur, 4, model=model)
    firing = alert_now(alerting_stack, "DriftboardLowVolume", model, ready(415))
    assert firing == [{"model": model}]


def test_dead_features_and_added_columns_alert_through_the_run(
    alerting_stack: Stack, tmp_path: Path, sqlite_url: str
) -> None:
    model = f"dead-{uuid.uuid4().hex[:8]}"
    cur = hour(0, 400, seed=3)
    cur["w"] = np.random.default_rng(4).normal(0, 1, len(cur))  # still fine: the run succeeds
    cur["y"] = np.nan  # all null in the window
    cur["x"] = "abc"  # no longer numbers
    cur = cur.drop(columns="c").assign(z=1)  # a declared column dropped, an undeclared one added
    columns = {"numerical": ["x", "y", "w"], "categorical": ["c"]}
    result = run(tmp_path, alerting_stack, sqlite_url, cur, 0, model=model, columns=columns)
    assert result.evaluation.status == "succeeded"
    ready = f'count(driftboard_feature_status{{model="{model}"}}) == 4'
    dead = alert_now(alerting_stack, "DriftboardFeatureDead", model, ready)
    assert sorted((d["feature"], d["status"], d["reason"]) for d in dead) == [
        ("c", "skipped", "missing"),
        ("x", "error", "wrong_type"),
        ("y", "skipped", "all_null"),
    ]
    # z is new; x's new type is DriftboardFeatureDead's already (one alert per incident).
    assert alert_now(alerting_stack, "DriftboardSchemaChanged", model, ready) == [{"model": model}]
    assert result.evaluation.schema_changes == {
        "missing": ["c"],
        "added": ["z"],
        "dtype_changed": {"x": {"reference": "float64", "current": "str"}},
    }

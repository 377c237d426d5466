"""Drift results: detected in exactly the drifted columns, scores equal to Evidently's own report."""

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from driftboard.jobs import stattests
from driftboard.jobs.load import load_spec
from driftboard.jobs.schedule import window_ending
from driftboard.run.evaluate import evaluate
from tests.support.helpers import WINDOW_END, stamps, write_job

DRIFTED = {"num_shift", "num_scale", "cat_mix"}


def dataset(n_ref: int, n_cur: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)

    def make(n: int, drifted: bool) -> pd.DataFrame:
        mix = [0.7, 0.2, 0.1] if drifted else [0.34, 0.33, 0.33]
        return pd.DataFrame(
            {
                "num_stable": rng.normal(0, 1, n),
                "num_shift": rng.normal(1.5 if drifted else 0, 1, n),
                "num_scale": rng.normal(0, 3 if drifted else 1, n),
                "int_small": rng.integers(0, 4, n),
                "cat_stable": rng.choice(["u", "v", "w", "z"], n),
                "cat_mix": rng.choice(["a", "b", "c"], n, p=mix),
            }
        )

    cur = make(n_cur, True)
    cur.insert(0, "ts", stamps(n_cur))
    return make(n_ref, False), cur


COLUMNS = {
    "numerical": ["num_stable", "num_shift", "num_scale", "int_small"],
    "categorical": ["cat_stable", "cat_mix"],
}


def evidently_scores(ref: pd.DataFrame, cur: pd.DataFrame, **preset: Any) -> dict[str, tuple[str, float]]:
    """Evidently's own DataDriftPreset report, run the way its documentation shows."""
    from evidently import DataDefinition, Dataset, Report
    from evidently.presets import DataDriftPreset

    definition = DataDefinition(
        numerical_columns=COLUMNS["numerical"], categorical_columns=COLUMNS["categorical"]
    )
    snapshot = Report([DataDriftPreset(**preset)], include_tests=True).run(
        Dataset.from_pandas(cur.drop(columns="ts"), data_definition=definition),
        Dataset.from_pandas(ref, data_definition=definition),
    )
    scores = {}
    for result in snapshot.metric_results.values():
        params = result.metric_value_location.metric.params
        if params["type"] == "evidently:metric_v2:ValueDrift":
            scores[params["column"]] = (params["method"], float(result.value))
    return scores


def run_job(tmp_path: Path, ref: pd.DataFrame, cur: pd.DataFrame, **spec: Any):
    job = write_job(tmp_path, ref, cur, columns=COLUMNS, **spec)
    loaded = load_spec(job)
    return evaluate(loaded, window_ending(loaded.spec, WINDOW_END), "drifted")


@pytest.mark.parametrize(
    ("n_ref", "n_cur"),
    [(500, 300), (3000, 2000)],
    ids=["p-value-tests-below-1000-rows", "distances-above-1000-rows"],
)
def test_drift_found_in_exactly_the_drifted_columns(tmp_path: Path, n_ref: int, n_cur: int) -> None:
    # Fixed seed: a p-value test flags ~5 % of stable columns by chance, so no seed is "any seed".
    ref, cur = dataset(n_ref, n_cur, seed=9)
    outcome = run_job(tmp_path, ref, cur)
    assert outcome.status == "succeeded", outcome.error
    assert {f.feature for f in outcome.features if f.drift_detected} == DRIFTED
    assert all(f.status == "ok" for f in outcome.features)


@pytest.mark.parametrize(
    ("n_ref", "n_cur", "drift"),
    [
        (500, 300, {}),
        (3000, 2000, {}),
        (
            800,
            400,
            {"numerical": {"method": "psi", "threshold": 0.2}, "per_column": {"cat_mix": {"method": "TVD"}}},
        ),
        (
            2000,
            700,
            {"method": "hellinger", "per_column": {"num_shift": {"method": "ks", "threshold": 0.01}}},
        ),
    ],
    ids=["auto-small", "auto-large", "per-type-and-column", "global-and-column"],
)
def test_scores_equal_evidentlys_report(
    tmp_path: Path, n_ref: int, n_cur: int, drift: dict[str, Any]
) -> None:
    ref, cur = dataset(n_ref, n_cur, seed=7)
    outcome = run_job(tmp_path, ref, cur, drift=drift)
    preset = {
        "method": drift.get("method"),
        "num_method": drift.get("numerical", {}).get("method"),
        "num_threshold": drift.get("numerical", {}).get("threshold"),
        "per_column_method": {c: v["method"] for c, v in drift.get("per_column", {}).items()},
        "per_column_threshold": {
            c: v["threshold"] for c, v in drift.get("per_column", {}).items() if "threshold" in v
        },
    }
    theirs = evidently_scores(ref, cur, **preset)
    ours = {f.feature: f for f in outcome.features}
    assert set(ours) == set(theirs)
    for column, (method, score) in theirs.items():
        assert math.isclose(ours[column].score, score, rel_tol=0, abs_tol=1e-9), column
        assert ours[column].stattest == stattests.lookup(method).id, column

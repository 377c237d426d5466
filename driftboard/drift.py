"""Per-feature drift with Evidently's DataDriftPreset, read by column name, never by position."""

import warnings
from dataclasses import dataclass
from typing import Any

import pandas as pd

from driftboard import stattests
from driftboard.quality import Column
from driftboard.spec import Drift

VALUE_DRIFT = "evidently:metric_v2:ValueDrift"


@dataclass(frozen=True)
class Score:
    stattest: str
    score: float
    threshold: float
    drift_detected: bool
    drift_ratio: float


@dataclass
class DriftResult:
    scores: dict[str, Score]
    errors: dict[str, str]  # column -> why Evidently could not score it
    snapshot: Any | None  # Evidently's Snapshot, for the HTML report


def preset_options(drift: Drift, columns: list[str]) -> dict[str, Any]:
    """The spec's drift settings in DataDriftPreset's own terms (same precedence rules)."""
    return {
        "columns": columns,
        "method": drift.method,
        "threshold": drift.threshold,
        "num_method": drift.numerical.method,
        "num_threshold": drift.numerical.threshold,
        "cat_method": drift.categorical.method,
        "cat_threshold": drift.categorical.threshold,
        "per_column_method": {c: t.method for c, t in drift.per_column.items() if t.method and c in columns},
        "per_column_threshold": {
            c: t.threshold for c, t in drift.per_column.items() if t.threshold and c in columns
        },
        "drift_share": drift.drift_share,
    }


def run_report(ref: pd.DataFrame, cur: pd.DataFrame, types: dict[str, str], drift: Drift) -> Any:
    """Evidently's report, exactly as a user would run it; imported late (it costs ~4 s)."""
    from evidently import DataDefinition, Dataset, Report
    from evidently.presets import DataDriftPreset

    definition = DataDefinition(
        numerical_columns=[c for c, t in types.items() if t == "numerical"],
        categorical_columns=[c for c, t in types.items() if t == "categorical"],
    )
    report = Report([DataDriftPreset(**preset_options(drift, list(types)))], include_tests=True)
    with warnings.catch_warnings():  # numpy/scipy noise on constant columns; the scores stand
        warnings.simplefilter("ignore")
        return report.run(
            Dataset.from_pandas(cur, data_definition=definition),
            Dataset.from_pandas(ref, data_definition=definition),
        )


def read_scores(snapshot: Any) -> dict[str, Score]:
    scores = {}
    for result in snapshot.metric_results.values():
        params = result.metric_value_location.metric.params
        if params.get("type") != VALUE_DRIFT:
            continue
        test = stattests.lookup(params["method"])
        value, threshold = float(result.value), float(params["threshold"])
        failed = any(t.status.value == "FAIL" for t in result.tests or [])
        ratio = stattests.drift_ratio(test, value, threshold)
        scores[params["column"]] = Score(test.id, value, threshold, failed, ratio)
    return scores


def _frames(columns: list[Column]) -> tuple[pd.DataFrame, pd.DataFrame]:
    ref = pd.DataFrame({c.name: c.reference.reset_index(drop=True) for c in columns})
    cur = pd.DataFrame({c.name: c.current.reset_index(drop=True) for c in columns})
    return ref, cur


def _one_by_one(columns: list[Column], drift: Drift) -> DriftResult:
    """Fallback when the joint report raised: isolate the column that broke it."""
    scores, errors = {}, {}
    for col in columns:
        ref, cur = _frames([col])
        try:
            scores.update(read_scores(run_report(ref, cur, {col.name: col.column_type}, drift)))
        except Exception as exc:  # Evidently raises bare ValueError/TypeError/sklearn errors
            errors[col.name] = f"Evidently could not score it: {type(exc).__name__}: {exc}"
    return DriftResult(scores, errors, None)


def score(columns: list[Column], drift: Drift) -> DriftResult:
    """Score every checked column; Evidently failing on one leaves the others scored."""
    if not columns:
        return DriftResult({}, {}, None)
    ref, cur = _frames(columns)
    try:
        snapshot = run_report(ref, cur, {c.name: c.column_type for c in columns}, drift)
    except Exception:
        return _one_by_one(columns, drift)
    return DriftResult(read_scores(snapshot), {}, snapshot)

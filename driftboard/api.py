"""driftboard from Python: for notebooks and orchestrators (Airflow, Dagster, Prefect).

    import driftboard
    scores = driftboard.score(reference_df, current_df)          # DataFrames in, no store
    result = driftboard.run_spec("jobs/churn.yaml", at="2026-01-02T18:00:00Z")  # like `run`

`score` applies Evidently's DataDriftPreset tests (the same engine and defaults as a run)
to two DataFrames and stores nothing. `run_spec` is `driftboard run`: it computes the
window, stores it, pushes its metrics and keeps its report as the settings say, and returns
the typed RunResult. docs/python-api.md has the details and examples.
"""

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from driftboard.data import quality
from driftboard.drift import scoring
from driftboard.jobs.load import load_specs
from driftboard.jobs.spec import Drift, TestChoice
from driftboard.jobs.stattests import ColumnType
from driftboard.results import FeatureOutcome, FeatureStatus, RunResult
from driftboard.run import pipeline
from driftboard.run.evaluate import feature_outcome
from driftboard.settings import DriftEngine, Settings, get_settings

__all__ = ["DriftScores", "run_spec", "score"]


@dataclass(frozen=True)
class DriftScores:
    """Per-feature drift of `current` against `reference`, and Evidently's dataset verdict."""

    features: tuple[FeatureOutcome, ...]
    drift_share: float  # dataset drift when at least this share of scored features drifted
    report: Any = field(default=None, repr=False, compare=False)  # Evidently's, built on demand

    @property
    def drifted(self) -> list[str]:
        return [f.feature for f in self.features if f.drift_detected]

    @property
    def share_drifted(self) -> float | None:
        scored = [f for f in self.features if f.status == FeatureStatus.OK]
        return len(self.drifted) / len(scored) if scored else None

    @property
    def dataset_drift(self) -> bool | None:
        share = self.share_drifted
        return None if share is None else share >= self.drift_share

    def to_frame(self) -> pd.DataFrame:
        """One row per feature, worst drift ratio first: what a notebook shows."""
        frame = pd.DataFrame([asdict(f) for f in self.features])
        return frame.sort_values("drift_ratio", ascending=False, na_position="last", ignore_index=True)

    def save_html(self, path: str | Path) -> Path:
        """Evidently's HTML report of these columns (built now: seconds for large data)."""
        if self.report is None:
            raise ValueError("no feature could be scored: there is no report to save")
        self.report.build().save_html(str(path))
        return Path(path)


def _infer(reference: pd.DataFrame, current: pd.DataFrame, ignored: list[str]) -> tuple[list[str], list[str]]:
    """Columns both frames share: numbers (not booleans) are numerical, timestamps are left out
    (they always drift), the rest is categorical."""
    types = pd.api.types
    shared = [c for c in reference.columns if c in set(current.columns) and c not in ignored]
    shared = [c for c in shared if not types.is_datetime64_any_dtype(reference[c])]
    numerical = [
        c for c in shared if types.is_numeric_dtype(reference[c]) and not types.is_bool_dtype(reference[c])
    ]
    return numerical, [c for c in shared if c not in numerical]


def score(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    *,
    numerical: list[str] | None = None,
    categorical: list[str] | None = None,
    method: str | None = None,
    threshold: float | None = None,
    per_column: dict[str, dict[str, Any]] | None = None,
    ignored: list[str] | None = None,
    drift_share: float = 0.5,
    engine: DriftEngine = "fast",
    workers: int = 0,
) -> DriftScores:
    """Score every column's drift as a run does; nothing is stored or pushed.

    Without `numerical` and `categorical`, every column both frames share is scored (but
    `ignored` and timestamps), numbers as numerical and everything else as categorical.
    `method`, `threshold` and `per_column` ({"age": {"method": "psi", "threshold": 0.2}}) are
    the job spec's `drift:` fields.
    A column that cannot be scored is reported with its reason, never raised.
    """
    if numerical is None and categorical is None:
        numerical, categorical = _infer(reference, current, ignored or [])
    drift = Drift(
        method=method,
        threshold=threshold,
        per_column={name: TestChoice(**choice) for name, choice in (per_column or {}).items()},
        drift_share=drift_share,
    )
    typed: list[tuple[str, ColumnType]] = [(c, "numerical") for c in numerical or []]
    typed += [(c, "categorical") for c in categorical or []]
    columns = [quality.check_column(name, "feature", kind, reference, current) for name, kind in typed]
    ok = [c for c in columns if c.status == FeatureStatus.OK]
    result = scoring.score(ok, drift, scoring.DriftOptions(engine=engine, workers=workers))
    return DriftScores(tuple(feature_outcome(c, result) for c in columns), drift_share, result.report)


def _time(at: datetime | str | None) -> datetime:
    if at is None:
        return datetime.now(UTC)
    moment = datetime.fromisoformat(at) if isinstance(at, str) else at
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # no offset: UTC, as the CLI


def run_spec(
    path: str | Path, at: datetime | str | None = None, *, settings: Settings | None = None
) -> RunResult:
    """`driftboard run PATH --at AT`: the window ending at the last tick ≤ `at` (default now;
    a time without offset is UTC), stored, pushed and reported per `settings` (default: the
    DRIFTBOARD_* environment). A run that fails is returned with its reason (status failed).

    Raises jobs.load.SpecError for a bad spec (`.problems`: one line each) and
    errors.StoreError when the results database cannot be used.
    """
    (loaded,) = load_specs([Path(path)])
    return pipeline.run_once(loaded, _time(at), settings or get_settings())

"""A run's results as the rows of `runs` and `feature_results` (driftboard.store.models)."""

from dataclasses import asdict
from importlib.metadata import PackageNotFoundError, version

from driftboard import __version__
from driftboard.results import RunOutcome
from driftboard.store.models import FeatureResult, Run


def _evidently_version() -> str | None:
    try:
        return version("evidently")
    except PackageNotFoundError:
        return None


def to_row(outcome: RunOutcome) -> Run:
    run = Run(
        model=outcome.model,
        window_start=outcome.window.start,
        window_end=outcome.window.end,
        status=outcome.status,
        error=outcome.error,
        started_at=outcome.started_at,
        finished_at=outcome.finished_at,
        duration_seconds=outcome.duration_seconds,
        reference_rows=outcome.reference_rows,
        current_rows=outcome.current_rows,
        n_features=len(outcome.scored) if outcome.status == "succeeded" else None,
        n_drifted=outcome.n_drifted if outcome.status == "succeeded" else None,
        share_drifted=outcome.share_drifted,
        dataset_drift=outcome.dataset_drift,
        drift_share_threshold=outcome.drift_share_threshold,
        schema_changes=outcome.schema_changes,
        report_path=outcome.report_path,
        pushed_at=outcome.pushed_at,
        push_error=outcome.push_error,
        reference_fingerprint=outcome.reference_fingerprint,
        driftboard_version=__version__,
        evidently_version=_evidently_version(),
    )
    run.features = [
        FeatureResult(model=outcome.model, window_end=outcome.window.end, **asdict(f))
        for f in outcome.features
    ]
    return run

"""A run's results as the rows of `runs` and `feature_results` (driftboard.store.models)."""

from dataclasses import asdict
from importlib.metadata import PackageNotFoundError, version

from driftboard import __version__
from driftboard.results import Evaluation, RunStatus
from driftboard.store.models import FeatureResult, Run


def _evidently_version() -> str | None:
    try:
        return version("evidently")
    except PackageNotFoundError:
        return None


def to_row(evaluation: Evaluation) -> Run:
    run = Run(
        model=evaluation.model,
        window_start=evaluation.window.start,
        window_end=evaluation.window.end,
        status=evaluation.status,
        error=evaluation.error,
        started_at=evaluation.started_at,
        finished_at=evaluation.finished_at,
        duration_seconds=evaluation.duration_seconds,
        reference_rows=evaluation.reference_rows,
        current_rows=evaluation.current_rows,
        n_features=len(evaluation.scored) if evaluation.status == RunStatus.SUCCEEDED else None,
        n_drifted=evaluation.n_drifted if evaluation.status == RunStatus.SUCCEEDED else None,
        share_drifted=evaluation.share_drifted,
        dataset_drift=evaluation.dataset_drift,
        drift_share_threshold=evaluation.drift_share_threshold,
        schema_changes=evaluation.schema_changes,
        reference_fingerprint=evaluation.reference_fingerprint,
        driftboard_version=__version__,
        evidently_version=_evidently_version(),
    )
    run.features = [
        FeatureResult(model=evaluation.model, window_end=evaluation.window.end, **_stored(asdict(f)))
        for f in evaluation.features
    ]
    return run


def _stored(feature: dict[str, object]) -> dict[str, object]:
    # The reason class only labels the pushed status series: the stored reason says it in full.
    return {k: v for k, v in feature.items() if k != "reason_class"}

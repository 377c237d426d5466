"""A run's results as the rows of `runs` and `feature_results` (driftboard.store.models), and
stored rows read back as the results that produced them.

The feature's reason class is not stored (its full reason is): read back, it is None.
"""

from dataclasses import asdict, fields
from importlib.metadata import PackageNotFoundError, version

from driftboard import __version__
from driftboard.jobs.window import Window
from driftboard.results import Evaluation, FeatureOutcome, RunStatus
from driftboard.store.models import FeatureResult, Run

# Evaluation fields stored as they are, one column each; the rest is derived (counts, shares)
# or stored elsewhere (the window's ends, the features' rows).
AS_IS = (
    "status",
    "error",
    "started_at",
    "finished_at",
    "reference_rows",
    "current_rows",
    "drift_share_threshold",
    "schema_changes",
    "reference_fingerprint",
)
FEATURE_FIELDS = [f.name for f in fields(FeatureOutcome) if f.name != "reason_class"]


def _evidently_version() -> str | None:
    try:
        return version("evidently")
    except PackageNotFoundError:
        return None


def to_row(evaluation: Evaluation) -> Run:
    succeeded = evaluation.status == RunStatus.SUCCEEDED
    run = Run(
        model=evaluation.model,
        window_start=evaluation.window.start,
        window_end=evaluation.window.end,
        **{name: getattr(evaluation, name) for name in AS_IS},
        duration_seconds=evaluation.duration_seconds,
        n_features=len(evaluation.scored) if succeeded else None,
        n_drifted=evaluation.n_drifted if succeeded else None,
        share_drifted=evaluation.share_drifted,
        dataset_drift=evaluation.dataset_drift,
        driftboard_version=__version__,
        evidently_version=_evidently_version(),
    )
    run.features = [
        FeatureResult(model=evaluation.model, window_end=evaluation.window.end, **_stored(asdict(f)))
        for f in evaluation.features
    ]
    return run


def from_row(run: Run) -> Evaluation:
    """The Evaluation `to_row` stored (its features in stored order), as the replay reads it."""
    features = tuple(_feature(f) for f in sorted(run.features, key=lambda f: f.id))
    window = Window(run.window_start, run.window_end)
    return Evaluation(run.model, window, features=features, **{n: getattr(run, n) for n in AS_IS})


def _stored(feature: dict[str, object]) -> dict[str, object]:
    # The reason class only labels the pushed status series: the stored reason says it in full.
    return {k: v for k, v in feature.items() if k != "reason_class"}


def _feature(row: FeatureResult) -> FeatureOutcome:
    return FeatureOutcome(**{name: getattr(row, name) for name in FEATURE_FIELDS})

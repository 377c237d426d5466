"""Write a run and its features in one transaction; a re-run replaces its window."""

from dataclasses import asdict

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from driftboard import __version__
from driftboard.models import FeatureResult, Run
from driftboard.results import RunOutcome


def _evidently_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

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
        reference_fingerprint=outcome.reference_fingerprint,
        driftboard_version=__version__,
        evidently_version=_evidently_version(),
    )
    run.features = [
        FeatureResult(model=outcome.model, window_end=outcome.window.end, **asdict(f))
        for f in outcome.features
    ]
    return run


def save(engine: Engine, outcome: RunOutcome) -> int:
    """Replace any earlier result for the same model and window, atomically."""
    with Session(engine) as session, session.begin():
        session.execute(
            delete(Run).where(
                Run.model == outcome.model,
                Run.window_start == outcome.window.start,
                Run.window_end == outcome.window.end,
            )
        )
        row = to_row(outcome)
        session.add(row)
        session.flush()
        outcome.run_id = row.id
        return row.id


def latest_runs(engine: Engine, model: str, limit: int = 10) -> list[Run]:
    with Session(engine) as session:
        query = select(Run).where(Run.model == model).order_by(Run.window_end.desc()).limit(limit)
        return list(session.scalars(query))

"""Write a run and its features in one transaction; a re-run replaces its window."""

from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from driftboard import __version__
from driftboard.results import RunOutcome
from driftboard.store import rollup
from driftboard.store.models import FeatureResult, Run, UTCDateTime


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


def save(engine: Engine, outcome: RunOutcome, also: Callable[[Session], None] | None = None) -> int:
    """Replace any earlier result for the same model and window, atomically, with the day's
    rollup (driftboard.store.rollup); `also` writes more in the same transaction (the model's SLA
    registration, driftboard.store.registry)."""
    with Session(engine) as session, session.begin():
        if also is not None:
            also(session)
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
        rollup.refresh_day(session.connection(), outcome.model, outcome.window.end)
        outcome.run_id = row.id
        return row.id


def record_push(engine: Engine, outcome: RunOutcome) -> None:
    _record(engine, outcome, "pushed_at", "push_error")


def record_report(engine: Engine, outcome: RunOutcome) -> None:
    """The kept report's path, or why it is missing, on the run stored before it was built."""
    _record(engine, outcome, "report_path", "error")


def _record(engine: Engine, outcome: RunOutcome, *fields: str) -> None:
    """Fields known only after the run's transaction committed."""
    with Session(engine) as session, session.begin():
        run = session.get(Run, outcome.run_id)
        if run is not None:  # replaced meanwhile by a re-run of the window: nothing to mark
            for name in fields:
                setattr(run, name, getattr(outcome, name))


def latest_runs(engine: Engine, model: str, limit: int = 10) -> list[Run]:
    with Session(engine) as session:
        query = select(Run).where(Run.model == model).order_by(Run.window_end.desc()).limit(limit)
        return list(session.scalars(query))


def last_success(engine: Engine, model: str) -> datetime | None:
    with Session(engine) as session:
        query = select(func.max(Run.finished_at)).where(Run.model == model, Run.status == "succeeded")
        value = session.scalar(query)
    return UTCDateTime().process_result_value(value, engine.dialect) if value is not None else None


def consecutive_drift(engine: Engine, model: str, upto: datetime, horizon: int = 100) -> dict[str, int]:
    """Per feature, how many successful runs in a row (newest first, up to `upto`) it drifted."""
    with Session(engine) as session:
        run_ids = session.scalars(
            select(Run.id)
            .where(Run.model == model, Run.status == "succeeded", Run.window_end <= upto)
            .order_by(Run.window_end.desc())
            .limit(horizon)
        ).all()
        rows = session.execute(
            select(FeatureResult.run_id, FeatureResult.feature, FeatureResult.drift_detected).where(
                FeatureResult.run_id.in_(run_ids)
            )
        ).all()
    drifted = {(r.run_id, r.feature) for r in rows if r.drift_detected}
    streaks: dict[str, int] = {}
    for feature in {r.feature for r in rows}:
        streaks[feature] = next(
            (i for i, run_id in enumerate(run_ids) if (run_id, feature) not in drifted), len(run_ids)
        )
    return streaks

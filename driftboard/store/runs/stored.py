"""Stored runs read back as the Evaluations that produced them, oldest first: what the alert
replay (driftboard/prometheus/replay.py) feeds through the metrics a push would send.

The feature's reason class is not stored (its full reason is): read back, it is None.
"""

from dataclasses import fields
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, selectinload

from driftboard.jobs.window import Window
from driftboard.results import Evaluation, FeatureOutcome, RunStatus
from driftboard.store.models import FeatureResult, Run

_FEATURE_FIELDS = [f.name for f in fields(FeatureOutcome) if f.name != "reason_class"]


def evaluations(engine: Engine, model: str, start: datetime, end: datetime) -> list[Evaluation]:
    """The model's runs whose window ends in (start, end], oldest first."""
    query = (
        select(Run)
        .where(Run.model == model, Run.window_end > start, Run.window_end <= end)
        .order_by(Run.window_end)
        .options(selectinload(Run.features))
    )
    with Session(engine) as session:
        return [_evaluation(run) for run in session.scalars(query)]


def _evaluation(run: Run) -> Evaluation:
    return Evaluation(
        run.model,
        Window(run.window_start, run.window_end),
        RunStatus(run.status),
        run.started_at,
        run.finished_at,
        error=run.error,
        reference_rows=run.reference_rows,
        current_rows=run.current_rows,
        drift_share_threshold=run.drift_share_threshold,
        schema_changes=run.schema_changes,
        reference_fingerprint=run.reference_fingerprint,
        features=tuple(_feature(f) for f in sorted(run.features, key=lambda f: f.id)),
    )


def _feature(row: FeatureResult) -> FeatureOutcome:
    return FeatureOutcome(**{name: getattr(row, name) for name in _FEATURE_FIELDS})

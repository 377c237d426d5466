"""What a run's push compares it with, read from the stored runs before it.

The Pushgateway holds one value per model and series, replaced at every push, so anything
that spans runs (how many in a row drifted critically, how many rows a window usually
holds) is computed here, from the store, and pushed with the run.
"""

from datetime import datetime
from statistics import median
from typing import TypeVarTuple

from sqlalchemy import ColumnElement, Engine, Select, func, select
from sqlalchemy.orm import Session

from driftboard.store.models import FeatureResult, Run

MIN_BASELINE_RUNS = 3  # fewer recent windows than this make no usual volume to compare with
Ts = TypeVarTuple("Ts")


def _newest_first(query: Select[*Ts], model: str, until: ColumnElement[bool], limit: int) -> Select[*Ts]:
    """The model's successful runs that `until` admits, newest window first, at most `limit`."""
    where = (Run.model == model, Run.status == "succeeded", until)
    return query.where(*where).order_by(Run.window_end.desc()).limit(limit)


def model_drift_runs(
    engine: Engine, model: str, upto: datetime, share: float, ratio: float, horizon: int = 100
) -> int:
    """Successful runs in a row, newest first up to `upto`, whose drifted share reached
    `share` or one of whose features' drift ratio reached `ratio` (the model's critical levels)."""
    recent = _newest_first(select(Run.id, Run.share_drifted), model, Run.window_end <= upto, horizon)
    with engine.connect() as conn:
        runs = conn.execute(recent).all()
        worst = dict(
            conn.execute(
                select(FeatureResult.run_id, func.max(FeatureResult.drift_ratio))
                .where(FeatureResult.run_id.in_([r.id for r in runs]))
                .group_by(FeatureResult.run_id)
            ).all()
        )
    critical = [(r.share_drifted or 0) >= share or (worst.get(r.id) or 0) >= ratio for r in runs]
    return next((i for i, hit in enumerate(critical) if not hit), len(critical))


def expected_rows(engine: Engine, model: str, before: datetime, runs: int) -> float | None:
    """The median current rows of the model's last `runs` successful windows before
    `before`; None with fewer than MIN_BASELINE_RUNS of them."""
    counted = select(Run.current_rows).where(Run.current_rows.is_not(None))
    query = _newest_first(counted, model, Run.window_end < before, runs)
    with engine.connect() as conn:
        rows = [n for n in conn.scalars(query) if n is not None]
    return float(median(rows)) if len(rows) >= MIN_BASELINE_RUNS else None


def consecutive_drift(engine: Engine, model: str, upto: datetime, horizon: int = 100) -> dict[str, int]:
    """Per feature, how many successful runs in a row (newest first, up to `upto`) it drifted."""
    with Session(engine) as session:
        run_ids = session.scalars(_newest_first(select(Run.id), model, Run.window_end <= upto, horizon)).all()
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

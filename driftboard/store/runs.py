"""Every query on `runs` (and the feature rows stored with them), in one place.

Writes: a run and its features in one transaction, a re-run replacing its window; what is
known only after that commit (the push, the kept report); a catch-up gap recorded as skipped;
retention. Reads: what the pipeline, the catch-up, the backfill and the window lock ask.
"""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy import Connection, Engine, delete, func, select
from sqlalchemy.orm import Session

from driftboard.jobs.window import Window
from driftboard.results import Delivery, Evaluation, KeptReport, RunStatus
from driftboard.store import rollup, rows
from driftboard.store.locks import window_lock
from driftboard.store.models import FeatureResult, Run, text_with_times


class FeatureRow(NamedTuple):
    feature: str
    window_end: datetime
    status: str
    drift_detected: bool | None
    drift_ratio: float | None
    null_share: float | None


def save(engine: Engine, evaluation: Evaluation, also: Callable[[Session], None] | None = None) -> int:
    """Replace any earlier result for the same model and window, atomically, with the day's
    rollup (driftboard.store.rollup); `also` writes more in the same transaction (the model's SLA
    registration, driftboard.store.registry)."""
    with Session(engine) as session, session.begin():
        if also is not None:
            also(session)
        session.execute(
            delete(Run).where(
                Run.model == evaluation.model,
                Run.window_start == evaluation.window.start,
                Run.window_end == evaluation.window.end,
            )
        )
        row = rows.to_row(evaluation)
        session.add(row)
        session.flush()
        rollup.refresh_day(session.connection(), evaluation.model, evaluation.window.end)
        return row.id


def record_push(engine: Engine, run_id: int, delivery: Delivery) -> None:
    _record(engine, run_id, pushed_at=delivery.pushed_at, push_error=delivery.error)


def record_report(engine: Engine, run_id: int, kept: KeptReport) -> None:
    """The kept report's path, or why it is missing, on the run stored before it was built."""
    _record(engine, run_id, report_path=kept.path, **({"error": kept.error} if kept.error else {}))


def _record(engine: Engine, run_id: int, **fields: object) -> None:
    """What is known only after the run's transaction committed; nothing else of it changes."""
    with Session(engine) as session, session.begin():
        run = session.get(Run, run_id)
        if run is not None:  # replaced meanwhile by a re-run of the window: nothing to mark
            for name, value in fields.items():
                setattr(run, name, value)


def latest_runs(engine: Engine, model: str, limit: int = 10) -> list[Run]:
    with Session(engine) as session:
        query = select(Run).where(Run.model == model).order_by(Run.window_end.desc()).limit(limit)
        return list(session.scalars(query))


def last_success(engine: Engine, model: str) -> datetime | None:
    with Session(engine) as session:
        query = select(func.max(Run.finished_at)).where(Run.model == model, Run.status == "succeeded")
        return session.scalar(query)  # UTCDateTime: max() keeps the column's type


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


def window_bounds(engine: Engine, model: str) -> tuple[datetime | None, datetime | None]:
    """Ends of the model's oldest and newest recorded windows (catch-up's horizon)."""
    query = select(func.min(Run.window_end), func.max(Run.window_end)).where(Run.model == model)
    with engine.connect() as conn:
        first, newest = conn.execute(query).one()
    return first, newest


def is_newest(engine: Engine, model: str, window: Window) -> bool:
    """Whether no window of the model (of any status) ends later: the live one."""
    query = select(Run.id).where(Run.model == model, Run.window_end > window.end).limit(1)
    with engine.connect() as conn:
        return conn.execute(query).first() is None


def recorded_ends(engine: Engine, model: str, since: datetime) -> frozenset[datetime]:
    """Ends of every recorded window (any status) from `since` on."""
    query = select(Run.window_end).where(Run.model == model, Run.window_end >= since)
    with engine.connect() as conn:
        return frozenset(conn.scalars(query))


def succeeded(conn: Connection, model: str, window: Window) -> bool:
    """Under the window's lock (driftboard.store.locks): whether another worker already did it."""
    query = select(Run.id).where(
        Run.model == model,
        Run.window_start == window.start,
        Run.window_end == window.end,
        Run.status == "succeeded",
    )
    return conn.execute(query).first() is not None


def succeeded_windows(engine: Engine, model: str, windows: list[Window]) -> set[Window]:
    """Which of these windows (oldest first) already succeeded: a backfill skips them."""
    if not windows:
        return set()
    query = select(Run.window_start, Run.window_end).where(
        Run.model == model,
        Run.status == "succeeded",
        Run.window_end >= windows[0].end,
        Run.window_end <= windows[-1].end,
    )
    with engine.connect() as conn:
        return {Window(start, end) for start, end in conn.execute(query)}


def record_skipped(engine: Engine, model: str, gap: Window, reason: str) -> bool:
    """Store windows the catch-up will not compute as one skipped run; False if a scheduler
    already recorded it."""
    with window_lock(engine, model, gap) as conn:
        if conn.scalar(select(Run.id).where(Run.model == model, Run.window_end == gap.end)):
            return False
        now = datetime.now(UTC)
        save(engine, Evaluation(model, gap, RunStatus.SKIPPED, now, now, error=reason))
        return True


def delete_before(conn: Connection, before: datetime) -> int:
    """Retention: runs whose window ended before the cutoff (their feature rows cascade)."""
    statement = text_with_times("DELETE FROM runs WHERE window_end < :c", "c")
    return int(conn.execute(statement, {"c": before}).rowcount)


def feature_history(engine: Engine, model: str) -> list[FeatureRow]:
    """Every stored feature result of a model, oldest window first: grids and drill-downs."""
    f = FeatureResult
    query = (
        select(f.feature, f.window_end, f.status, f.drift_detected, f.drift_ratio, f.null_share)
        .where(f.model == model)
        .order_by(f.window_end, f.feature)
    )
    with engine.connect() as conn:
        return [FeatureRow(*row) for row in conn.execute(query)]

"""Reads of `runs` and their feature rows: what the pipeline, the catch-up, the backfill, the
window lock and the CLI ask of the stored runs."""

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session

from driftboard.jobs.window import Window
from driftboard.store.models import FeatureResult, Run


class FeatureRow(NamedTuple):
    feature: str
    window_end: datetime
    status: str
    drift_detected: bool | None
    drift_ratio: float | None
    null_share: float | None


def latest_runs(engine: Engine, model: str, limit: int = 10) -> list[Run]:
    with Session(engine) as session:
        query = select(Run).where(Run.model == model).order_by(Run.window_end.desc()).limit(limit)
        return list(session.scalars(query))


def last_success(engine: Engine, model: str) -> datetime | None:
    with Session(engine) as session:
        query = select(func.max(Run.finished_at)).where(Run.model == model, Run.status == "succeeded")
        return session.scalar(query)  # UTCDateTime: max() keeps the column's type


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


def stored_rows(engine: Engine, model: str, window: Window) -> int | None:
    """The current rows the window's succeeded run counted; None without one."""
    query = select(Run.current_rows).where(
        Run.model == model,
        Run.window_start == window.start,
        Run.window_end == window.end,
        Run.status == "succeeded",
    )
    with engine.connect() as conn:
        return conn.scalar(query)


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

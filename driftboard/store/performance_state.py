"""A model's newest performance as stored: the realised and the estimated window the labels
refresh pushes (only the newest of each, as for drift), and how many of the newest realised
windows in a row missed labels.threshold, which DriftboardPerformanceDegraded counts."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.engine import Connection

from driftboard.jobs.spec import JobSpec, Labels
from driftboard.jobs.window import Window
from driftboard.results import PerformanceSnapshot, WindowEstimate, WindowPerformance
from driftboard.store.models import PerformanceEstimate, PerformanceResult

STREAK_LIMIT = 1000  # windows looked back at most: far beyond any sensible alert_windows

Table = type[PerformanceResult] | type[PerformanceEstimate]


def snapshot(engine: Engine, spec: JobSpec, default_severity: str) -> PerformanceSnapshot:
    labels = spec.labels
    assert labels is not None  # only specs with labels: are refreshed
    with engine.connect() as conn:
        realised, estimated = (
            _newest(conn, PerformanceResult, spec.model),
            _newest(conn, PerformanceEstimate, spec.model),
        )
        streak = _streak(conn, spec.model, labels)
    return PerformanceSnapshot(
        model=spec.model,
        realised=_realised(realised),
        estimated=_estimated(estimated),
        metric=labels.judged_metric,
        threshold=labels.threshold,
        degraded_windows=streak,
        alert_windows=labels.alert_windows,
        severity=labels.severity or default_severity,
    )


def _newest(conn: Connection, table: Table, model: str) -> Sequence[Any]:
    """Every metric row of the model's newest window in `table` (none: empty)."""
    newest = select(func.max(table.window_end)).where(table.model == model).scalar_subquery()
    return conn.execute(select(table).where(table.model == model, table.window_end == newest)).all()


def _window(row: Any) -> Window:
    return Window(row.window_start, row.window_end)


def _realised(rows: Sequence[Any]) -> WindowPerformance | None:
    if not rows:
        return None
    return WindowPerformance(
        _window(rows[0]), rows[0].n_rows, rows[0].n_labeled, {r.metric: r.value for r in rows}
    )


def _estimated(rows: Sequence[Any]) -> WindowEstimate | None:
    if not rows:
        return None
    return WindowEstimate(
        _window(rows[0]), rows[0].n_rows, rows[0].n_labeled, {r.metric: r.value for r in rows}
    )


def _streak(conn: Connection, model: str, labels: Labels) -> int:
    query = (
        select(PerformanceResult.value)
        .where(PerformanceResult.model == model, PerformanceResult.metric == labels.judged_metric)
        .order_by(PerformanceResult.window_end.desc())
        .limit(STREAK_LIMIT)
    )
    count = 0
    for (value,) in conn.execute(query):
        if not labels.degraded(value):
            break
        count += 1
    return count


def newest_end(engine: Engine, model: str) -> datetime | None:
    """The end of the model's newest window with realised metrics (None: none yet)."""
    query = select(func.max(PerformanceResult.window_end)).where(PerformanceResult.model == model)
    with engine.connect() as conn:
        end: datetime | None = conn.scalar(query)
    return end

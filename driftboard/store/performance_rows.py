"""performance_results: each window's performance metrics, replaced as more labels land;
beside them each window's estimates (performance_estimates) and a multiclass model's
per-class metrics (class_performance)."""

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session

from driftboard.jobs.spec import JobSpec
from driftboard.results import WindowEstimate, WindowPerformance
from driftboard.store import registry
from driftboard.store.models import ClassPerformance, PerformanceEstimate, PerformanceResult

Table = type[PerformanceResult] | type[PerformanceEstimate] | type[ClassPerformance]


def replace_windows(
    engine: Engine,
    spec: JobSpec,
    results: Iterable[WindowPerformance],
    now: datetime,
    estimates: Sequence[WindowEstimate] = (),
) -> None:
    """Replace the windows' metrics and estimates, and register the model, in one transaction."""
    with Session(engine) as session, session.begin():
        registry.upsert(session, registry.registration(spec, now))
        for result in (r for r in results if r.error is None):  # a failed window keeps its rows
            _realised(session, spec.model, result, now)
        for estimate in estimates:
            _clear(session, PerformanceEstimate, spec.model, estimate.window.end)
            session.add_all(
                PerformanceEstimate(
                    model=spec.model, window_start=estimate.window.start, window_end=estimate.window.end,
                    metric=name, value=value, n_rows=estimate.n_rows, n_labeled=estimate.n_labeled,
                    computed_at=now,
                )
                for name, value in estimate.metrics.items()
            )  # fmt: skip


def _realised(session: Session, model: str, result: WindowPerformance, now: datetime) -> None:
    window = result.window
    for table in (PerformanceResult, ClassPerformance):
        _clear(session, table, model, window.end)
    session.add_all(
        PerformanceResult(
            model=model, window_start=window.start, window_end=window.end, metric=name,
            value=value, n_rows=result.n_rows, n_labeled=result.n_labeled, computed_at=now,
        )
        for name, value in result.metrics.items()
    )  # fmt: skip
    session.add_all(
        ClassPerformance(
            model=model, window_start=window.start, window_end=window.end, class_label=label,
            metric=name, value=value, computed_at=now,
        )
        for label, metrics in result.per_class.items()
        for name, value in metrics.items()
    )  # fmt: skip


def _clear(session: Session, table: Table, model: str, window_end: datetime) -> None:
    session.execute(delete(table).where(table.model == model, table.window_end == window_end))

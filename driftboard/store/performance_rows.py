"""performance_results: each window's performance metrics, replaced as more labels land."""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session

from driftboard.jobs.spec import JobSpec
from driftboard.results import WindowPerformance
from driftboard.store import registry
from driftboard.store.models import PerformanceResult


def replace_windows(
    engine: Engine, spec: JobSpec, results: Iterable[WindowPerformance], now: datetime
) -> None:
    """Replace the windows' metrics, and register the model, in one transaction."""
    with Session(engine) as session, session.begin():
        registry.upsert(session, registry.registration(spec, now))
        for result in (r for r in results if r.error is None):  # a failed window keeps its rows
            window = result.window
            session.execute(
                delete(PerformanceResult).where(
                    PerformanceResult.model == spec.model, PerformanceResult.window_end == window.end
                )
            )
            session.add_all(
                PerformanceResult(
                    model=spec.model, window_start=window.start, window_end=window.end, metric=name,
                    value=value, n_rows=result.n_rows, n_labeled=result.n_labeled, computed_at=now,
                )
                for name, value in result.metrics.items()
            )  # fmt: skip

"""Writes to `runs` and the feature rows stored with them.

A run and its features in one transaction, a re-run replacing its window; what is known only
after that commit (the push, the kept report); a catch-up gap recorded as skipped; retention.
"""

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, delete, select
from sqlalchemy.orm import Session

from driftboard.jobs.window import Window
from driftboard.results import Delivery, Evaluation, KeptReport, RunStatus
from driftboard.store import rollup
from driftboard.store.locks import window_lock
from driftboard.store.models import Run, text_with_times
from driftboard.store.runs import rows


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

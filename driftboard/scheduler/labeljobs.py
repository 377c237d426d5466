"""Delayed labels picked up by the scheduler, as `driftboard labels SPEC` does by hand.

Each spec with a `labels:` section gets a job of its own: once when loaded, then every
`labels.refresh` (default a day) on the EPOCH-aligned grid. It runs `sla.labels.refresh` in a
worker process (pandas metrics over the lookback are CPU work), so the SLA's performance
fills in as labels land without a cron entry per model.
"""

import contextlib
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy.exc import SQLAlchemyError

from driftboard.errors import describe_db_error
from driftboard.jobs.load import LoadedSpec
from driftboard.jobs.schedule import every
from driftboard.settings import Settings

PREFIX = "labels:"  # model names cannot contain ':', so no spec's drift job clashes


def schedule(aps: BaseScheduler, loaded: LoadedSpec, job: Callable[[str], None], first: bool) -> None:
    """Add, replace or (when the spec lost its labels: section) remove the model's label job."""
    model, labels = loaded.spec.model, loaded.spec.labels
    if labels is None:
        unschedule(aps, model)
        return
    aps.add_job(
        job,
        every(labels.refresh),
        args=[model],
        id=PREFIX + model,
        name=f"labels of {model}",
        replace_existing=True,
        coalesce=True,  # missed refreshes collapse: each one recomputes the whole lookback
        max_instances=1,
        misfire_grace_time=None,
        **({"next_run_time": datetime.now(UTC)} if first else {}),
    )


def unschedule(aps: BaseScheduler, model: str) -> None:
    with contextlib.suppress(JobLookupError):
        aps.remove_job(PREFIX + model)


def compute(loaded: LoadedSpec, settings: Settings) -> tuple[int, str | None, str | None]:
    """In a worker: refresh the lookback's windows, push the newest performance and call the
    retrain hook if due; how many had landed, why the push failed and why the hook failed (or
    None). Errors cross the process boundary as plain RuntimeErrors with the reason (no
    password: describe_db_error)."""
    from driftboard.scheduler.worker import engine_for
    from driftboard.sla import publish  # the worker's import, not the scheduler's

    try:
        done = publish.refresh(engine_for(settings.database_url.get_secret_value()), loaded, settings)
        hook_error = done.retrain.error if done.retrain else None
        return sum(r.error is None for r in done.results), done.push_error, hook_error
    except SQLAlchemyError as exc:
        raise RuntimeError(f"results database: {describe_db_error(exc)}") from None
    except Exception as exc:  # bad data, an unreachable source: said in the scheduler's log
        raise RuntimeError(f"{type(exc).__name__}: {exc}") from None

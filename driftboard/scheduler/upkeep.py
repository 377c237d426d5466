"""The scheduler's daily jobs: store upkeep (driftboard.store.maintenance), and any other
idempotent job due once a day (the weekly SLA delivery), each also run once at start."""

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from driftboard.errors import describe_db_error
from driftboard.settings import Settings
from driftboard.store import maintenance

log = logging.getLogger(__name__)
JOB_ID = "driftboard:maintenance"  # model names cannot contain ':', so no spec's job clashes
# Daily, off the hour when the hourly windows fire. With partitions made months ahead and a
# DEFAULT partition behind them, a late or missed day costs nothing: it is caught up once.
DAILY = CronTrigger(hour=3, minute=17, timezone=UTC)


def daily(engine: Engine, settings: Settings) -> None:
    """The job: a failure is logged and retried the next day (or at the next start)."""
    try:
        done = maintenance.run(engine, settings, datetime.now(UTC))
    except SQLAlchemyError as exc:
        log.error("store maintenance failed", extra={"error": describe_db_error(exc)})
        return
    log.info("store maintenance done", extra={"summary": maintenance.describe(done)})


def schedule(
    aps: BaseScheduler,
    job: Callable[[], None],
    trigger: BaseTrigger = DAILY,
    job_id: str = JOB_ID,
    name: str = "store maintenance",
) -> None:
    """Also once at start, so a scheduler back from a long stop does what is due at once.
    For any idempotent upkeep job (the weekly SLA delivery uses it too)."""
    aps.add_job(
        job,
        trigger,
        id=job_id,
        name=name,
        replace_existing=True,
        coalesce=True,  # missed days collapse into one run: each run does everything due
        max_instances=1,  # never two at once in this process (partitions.maintain also locks)
        misfire_grace_time=None,  # however late, still worth running
        next_run_time=datetime.now(UTC),
    )

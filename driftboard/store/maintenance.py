"""Store upkeep as `driftboard db maintain` runs it by hand and the scheduler daily
(driftboard.scheduler.upkeep): partitions ahead, retention."""

from datetime import datetime

from sqlalchemy import Engine

from driftboard.settings import Settings
from driftboard.store import partitions


def run(engine: Engine, settings: Settings, now: datetime) -> partitions.Maintenance:
    return partitions.maintain(engine, now, settings.retention_days, settings.partition_months_ahead)


def describe(done: partitions.Maintenance) -> str:
    kept = f"rows before {done.cutoff:%Y-%m-%d} removed" if done.cutoff else "retention off: all kept"
    created, dropped = ", ".join(done.created) or "none", ", ".join(done.dropped) or "none"
    return f"partitions created: {created}; dropped: {dropped}; runs deleted: {done.deleted_runs}; {kept}"

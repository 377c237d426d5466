"""monitored_models: each model's period, SLO targets and alert levels, as its spec says.

Upserted in the transaction that stores a run, so the SLA views judge every run by the
settings it ran with, and a model appears in them with its first run.
"""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from driftboard import alertconfig
from driftboard.jobs.schedule import period
from driftboard.jobs.spec import JobSpec
from driftboard.store.models import MonitoredModel

# The alert levels monitored_models has a column for, named like the spec's `alerts:` fields.
STORED_LEVELS = tuple(field for field in alertconfig.LEVELS if field in MonitoredModel.__table__.c)


def levels(spec: JobSpec) -> dict[str, float]:
    """The spec's own alert levels, alerting/config.yml's default where it sets none."""
    config = alertconfig.load()
    own = {field: getattr(spec.alerts, field) for field in STORED_LEVELS}
    return {field: config.default(field) if value is None else value for field, value in own.items()}


def registration(spec: JobSpec, now: datetime | None = None) -> dict[str, Any]:
    labels = spec.labels
    return {
        "model": spec.model,
        "interval_seconds": period(spec).total_seconds(),
        "freshness_target": spec.sla.freshness_target,
        "healthy_target": spec.sla.healthy_target,
        **levels(spec),
        "performance_metric": labels.judged_metric if labels else None,
        "performance_threshold": labels.threshold if labels else None,
        "updated_at": now or datetime.now(UTC),
    }


def upsert(session: Session, values: dict[str, Any]) -> None:
    # INSERT ... ON CONFLICT, not read-then-write: two schedulers storing runs of one model at
    # once must not fail each other's transaction on the primary key.
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(MonitoredModel).values(**values)
    changes = {key: statement.excluded[key] for key in values if key != "model"}
    session.execute(statement.on_conflict_do_update(index_elements=["model"], set_=changes))


def upserter(spec: JobSpec) -> Callable[[Session], None]:
    """What store.save runs inside the run's transaction."""
    values = registration(spec)
    return lambda session: upsert(session, values)

"""Upkeep of the store: monthly partitions made ahead of time, and retention.

On PostgreSQL feature_results is partitioned by UTC month of window_end (migration 0006).
`maintain` creates the partitions of this month and `months_ahead` more, and drops whole
months older than the retention, which frees their space at once where deleting rows would
leave dead tuples for VACUUM. Rows of a month without a partition wait in the DEFAULT
partition; creating that month's partition moves them in. On SQLite it deletes old rows.

Retention keeps at least `retention_days`: the cutoff is the start of the month that day
falls in, so partitions go whole. Runs (not partitioned; ~876k a year for 100 hourly models)
and performance results before the cutoff are deleted too, which also cascades to any of
their feature rows left outside a dropped partition, and so are the feature_daily rollup's
days before it (driftboard/store/rollup.py). The scheduler connects as the owner of
the tables, so it has the DDL rights this needs; `driftboard db maintain` runs it by hand.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, text

from driftboard.store import rollup, runs
from driftboard.store.locks import LOCK_NAMESPACE
from driftboard.store.models import text_with_times

TABLE = "feature_results"
PARTITION = re.compile(rf"{TABLE}_p(\d{{4}})(\d{{2}})")
LIST = (
    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
    f"WHERE i.inhparent = to_regclass('{TABLE}')"
)
RANGE = "window_end >= :start AND window_end < :end"
# As migration 0006 makes them: the dashboards' index-only scans need the visibility map that
# VACUUM sets, and they read mostly the newest rows, so vacuum after 2 % new rows, not 20 %.
VACUUM_SOONER = "WITH (autovacuum_vacuum_insert_scale_factor = 0.02)"


@dataclass
class Maintenance:
    cutoff: datetime | None  # rows with window_end before it are gone; None: kept forever
    created: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    deleted_runs: int = 0


def month_start(moment: datetime, months_later: int = 0) -> datetime:
    """The UTC month's first instant; the driver returns times in the session's time zone."""
    moment = moment.astimezone(UTC)
    index = moment.year * 12 + moment.month - 1 + months_later
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def cutoff(now: datetime, retention_days: int) -> datetime | None:
    """Start of the month holding `now - retention_days`; None when 0 (keep forever)."""
    return month_start(now - timedelta(days=retention_days)) if retention_days else None


def maintain(engine: Engine, now: datetime, retention_days: int, months_ahead: int) -> Maintenance:
    """Idempotent: run it daily (the scheduler does) or any number of times."""
    done = Maintenance(cutoff(now, retention_days))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Several schedulers may share a store: one maintains at a time, the next finds it done.
            conn.execute(text("SELECT pg_advisory_xact_lock(:ns, 0)"), {"ns": LOCK_NAMESPACE})
            done.created = create_ahead(conn, now, months_ahead)
            done.dropped = drop_before(conn, done.cutoff) if done.cutoff else []
        if done.cutoff:
            done.deleted_runs = delete_before(conn, done.cutoff)
    return done


def existing(conn: Connection) -> dict[str, datetime]:
    """Month partitions attached to feature_results, by name, with the month they hold."""
    names = conn.scalars(text(LIST)).all()
    return {n: datetime(int(m[1]), int(m[2]), 1, tzinfo=UTC) for n in names if (m := PARTITION.fullmatch(n))}


def create_ahead(conn: Connection, now: datetime, months_ahead: int) -> list[str]:
    have = set(existing(conn))
    months = (month_start(now, n) for n in range(months_ahead + 1))
    return [create(conn, month) for month in months if f"{TABLE}_p{month:%Y%m}" not in have]


def create(conn: Connection, month: datetime) -> str:
    """PostgreSQL refuses a partition while the default holds rows of its range: move them."""
    name, bounds = f"{TABLE}_p{month:%Y%m}", {"start": month, "end": month_start(month, 1)}
    waiting = f"CREATE TEMP TABLE waiting AS SELECT * FROM {TABLE}_default WHERE {RANGE}"
    conn.execute(text_with_times(waiting, "start", "end"), bounds)
    conn.execute(text_with_times(f"DELETE FROM {TABLE}_default WHERE {RANGE}", "start", "end"), bounds)
    literal = "FROM ('{:%Y-%m-%d} 00:00:00+00') TO ('{:%Y-%m-%d} 00:00:00+00')".format(*bounds.values())
    conn.execute(text(f"CREATE TABLE {name} PARTITION OF {TABLE} FOR VALUES {literal} {VACUUM_SOONER}"))
    conn.execute(text(f"INSERT INTO {TABLE} SELECT * FROM waiting"))
    conn.execute(text("DROP TABLE waiting"))
    return name


def drop_before(conn: Connection, before: datetime) -> list[str]:
    old = sorted(name for name, month in existing(conn).items() if month_start(month, 1) <= before)
    for name in old:
        conn.execute(text(f"DROP TABLE {name}"))
    return old


def delete_before(conn: Connection, before: datetime) -> int:
    """Runs before the cutoff (their feature rows cascade), their performance results, and
    the feature_daily days they made up."""
    for table in ("performance_results", "performance_estimates", "class_performance", TABLE):
        conn.execute(text_with_times(f"DELETE FROM {table} WHERE window_end < :c", "c"), {"c": before})
    deleted = runs.delete_before(conn, before)
    rollup.delete_before(conn, before)  # after the rows: a cutoff inside a day recomputes it from them
    return deleted

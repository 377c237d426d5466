"""feature_daily: per model, UTC day and feature, the day's worst drift ratio (migration 0007).

The heatmap ranks a month of one model's features by their worst ratio; reading 30 daily rows
per feature instead of 720 hourly ones makes that cheap. The rollup is only useful if exact,
so every writer of feature_results recomputes the days it touched in its own transaction:
`store.save` the day of the window it replaced, retention the days it deleted. Recomputing
a whole day from feature_results (not adding to it) is what keeps a re-run that lowered a
ratio exact: the day's maximum can go down.
"""

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, text

from driftboard.store.locks import LOCK_NAMESPACE
from driftboard.store.models import text_with_times

DAY = timedelta(days=1)
# The UTC day's start, in each backend's storage: SQLite keeps UTC as naive text
# ("2026-03-01 13:00:00.000000", driftboard.store.models.UTCDateTime), so its first 10 characters are
# the day; the format must match what UTCDateTime binds, or comparisons of `day` go wrong.
DAY_OF = {
    "postgresql": "date_trunc('day', window_end, 'UTC')",
    "sqlite": "substr(window_end, 1, 10) || ' 00:00:00.000000'",
}
REBUILD = """
INSERT INTO feature_daily (model, day, feature, max_ratio, drifted_runs, runs)
SELECT model, {day}, feature, max(drift_ratio),
       sum(CASE WHEN drift_detected THEN 1 ELSE 0 END), count(*)
FROM feature_results WHERE {where} GROUP BY model, {day}, feature"""


def day_start(moment: datetime) -> datetime:
    utc = moment.astimezone(UTC)
    return datetime(utc.year, utc.month, utc.day, tzinfo=UTC)


def refresh_day(conn: Connection, model: str, moment: datetime) -> None:
    """Recompute one model's rollup of the UTC day holding `moment`, from feature_results."""
    start = day_start(moment)
    if conn.dialect.name == "postgresql":
        # Two saves of one model and day at once would each miss the other's uncommitted rows,
        # and the second INSERT would collide with the first's. Serialised, the later one reads
        # (READ COMMITTED: a snapshot per statement) everything the earlier one committed.
        key = {"ns": LOCK_NAMESPACE + 1, "key": hash_key(model, start)}
        conn.execute(text("SELECT pg_advisory_xact_lock(:ns, :key)"), key)
    rebuild(conn, "model = :model AND {range}", {"model": model, "start": start, "end": start + DAY})


def hash_key(model: str, day: datetime) -> int:
    """A stable signed 32-bit key; a collision only serialises two saves."""
    digest = hashlib.sha256(f"{model}|{day:%Y-%m-%d}".encode()).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


def rebuild(conn: Connection, where: str = "true", params: dict[str, object] | None = None) -> None:
    """Replace the rollup rows matching `where` (columns model, and {range} of start/end
    bounds on the day) by a GROUP BY over feature_results; every row when called bare."""
    dialect, params = conn.dialect.name, params or {}
    names = [n for n in ("start", "end") if n in params]
    daily, raw = (where.format(range=f"{col} >= :start AND {col} < :end") for col in ("day", "window_end"))
    conn.execute(text_with_times(f"DELETE FROM feature_daily WHERE {daily}", *names), params)
    insert = REBUILD.format(day=DAY_OF[dialect], where=raw)
    conn.execute(text_with_times(insert, *names), params)


def delete_before(conn: Connection, before: datetime) -> None:
    """Retention: whole days before the cutoff go; a cutoff inside a day recomputes that day,
    model by model under each one's day lock, so that a save into that day at the same
    moment is neither lost from the rollup nor collides with it."""
    start = day_start(before)
    conn.execute(text_with_times("DELETE FROM feature_daily WHERE day < :start", "start"), {"start": start})
    if start != before:
        for model in models_on(conn, start):
            refresh_day(conn, model, start)


def models_on(conn: Connection, start: datetime) -> list[str]:
    """Models with rollup rows on the day from `start`, sorted: locks taken in one order."""
    query = "SELECT DISTINCT model FROM feature_daily WHERE day >= :start AND day < :end ORDER BY model"
    params = {"start": start, "end": start + DAY}
    return list(conn.scalars(text_with_times(query, "start", "end"), params))

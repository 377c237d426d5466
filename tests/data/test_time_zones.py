"""Timestamps across clock changes: every instant-based timestamp is read whatever its offsets,
and naive local times in a declared zone keep every row, in the skipped and the repeated hour."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import create_engine, text

from driftboard.data.cut import to_utc
from tests.support.cli_helpers import invoke, store_env
from tests.support.databases import create_pg_database, drop_pg_database
from tests.support.helpers import frames, write_job

# Europe/Paris: 2026-03-29 02:00 → 03:00 (the hour 02:xx does not exist); 2026-10-25 03:00 →
# 02:00 (the hour 02:xx happens twice). Daily windows end at midnight UTC.
SPRING, AUTUMN = datetime(2026, 3, 30, tzinfo=UTC), datetime(2026, 10, 26, tzinfo=UTC)


def _run(job: Path, at: datetime, env: dict[str, str]) -> dict[str, Any]:
    result = invoke(["run", str(job), "--at", at.isoformat(), "--json"], env)
    assert result.code == 0, result.stderr
    return dict(result.json()["run"])


def _current(stamps: list[str]) -> pd.DataFrame:
    _, cur = frames(n_cur=len(stamps))
    return cur.assign(ts=stamps)


def test_offsets_that_change_within_a_file_are_all_read(tmp_path: Path, sqlite_url: str) -> None:
    """Used to fail every window with "Mixed timezones detected"."""
    stamps = [f"2026-03-29T01:{m:02d}:00+01:00" for m in range(0, 60, 2)]
    stamps += [f"2026-03-29T03:{m:02d}:00+02:00" for m in range(0, 60, 2)]
    job = write_job(tmp_path, cur=_current(stamps), schedule={"interval": "1d"})
    run = _run(job, SPRING, store_env(sqlite_url, tmp_path))
    assert run["current_rows"] == len(stamps)


def test_naive_local_times_keep_the_skipped_and_the_repeated_hour(tmp_path: Path, sqlite_url: str) -> None:
    """Used to drop both hours' rows (read as NaT)."""
    env = store_env(sqlite_url, tmp_path)
    # Spring: 01:xx, the skipped 02:xx, 03:xx. Autumn: 02:xx twice (summer, then winter time),
    # then 03:xx; 01:xx would fall on the previous UTC day.
    for day, at, hours in (("2026-03-29", SPRING, (1, 2, 3)), ("2026-10-25", AUTUMN, (2, 2, 3))):
        stamps = [f"{day} {h:02d}:{m:02d}:00" for h in hours for m in range(0, 60, 3)]
        folder = tmp_path / day
        folder.mkdir()
        job = write_job(
            folder, cur=_current(stamps), schedule={"interval": "1d"}, timestamp_timezone="Europe/Paris"
        )
        assert _run(job, at, env)["current_rows"] == len(stamps), day


def test_a_postgresql_source_in_a_zone_with_clock_changes(tmp_path: Path, sqlite_url: str) -> None:
    """A source database whose sessions run in Europe/Paris, read around each clock change."""
    source = create_pg_database("driftboard_zone")
    engine = create_engine(source)
    try:
        with engine.begin() as conn:
            conn.execute(text(f"ALTER DATABASE {source.rsplit('/', 1)[1]} SET timezone = 'Europe/Paris'"))
        for end in (SPRING, AUTUMN):
            instants = [end - timedelta(days=1) + timedelta(minutes=7 * i) for i in range(200)]
            _, cur = frames(n_cur=len(instants))
            cur.assign(ts=instants).to_sql("events", engine, index=False, if_exists="append")
        query = "SELECT * FROM events WHERE ts >= :window_start AND ts < :window_end"
        sql = {"sql": {"url": source, "query": query}}
        job = write_job(tmp_path, current=sql, schedule={"interval": "1d"})
        env = store_env(sqlite_url, tmp_path)
        assert [_run(job, at, env)["current_rows"] for at in (SPRING, AUTUMN)] == [200, 200]
    finally:
        engine.dispose()
        drop_pg_database(source)


def test_the_repeated_hour_in_time_order_is_read_as_summer_then_winter_time() -> None:
    """Inferred from the order, the two passes through 02:xx are an hour apart in UTC."""
    local = pd.Series(pd.to_datetime(["2026-10-25 02:30", "2026-10-25 02:30", "2026-10-25 03:10"]))
    utc = to_utc(local, "ts", "Europe/Paris", "current")
    assert [t.strftime("%H:%M") for t in utc] == ["00:30", "01:30", "02:10"]

"""The scheduler killed with SIGKILL again and again, then left to catch up on PostgreSQL.

The model reads its current data with a short pg_sleep, so a run in flight is visible in
pg_stat_activity. Kills alternate: mid-run (as soon as a query of the new scheduler is in
flight, usually in the middle of its catch-up) and at a seeded random moment of start-up.
The next scheduler starts at once. After the last one catches up, every window from the
first stored one on is stored exactly once, with its feature rows; each window killed
mid-run was redone; no killed process lingers.
"""

import os
import random
import signal
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, text

from driftboard.store import connect, schema
from tests.support.databases import create_pg_database, drop_pg_database
from tests.support.schedproc import (
    Scheduler,
    consecutive,
    field,
    runs,
    sleeping_query_in_flight,
    spec_text,
    stored_per_window,
    wait_for,
    window_key,
    write_data,
)

pytestmark = [pytest.mark.slow, pytest.mark.postgres]  # schedulers killed in a loop, one minute

KILLS = 3  # mid-run, start-up, mid-run; each costs a scheduler start-up (~8 s on 2 busy cores)
STEP = timedelta(seconds=3)
QUERY = "SELECT ts, x, y FROM cur_rows, pg_sleep(0.3) WHERE ts >= :window_start AND ts < :window_end"


def incomplete(engine: Engine) -> int:
    """Runs whose stored feature rows do not match their n_features (a half-written run)."""
    query = (
        "SELECT count(*) FROM runs r WHERE r.n_features IS DISTINCT FROM "
        "(SELECT count(*) FROM feature_results f WHERE f.run_id = r.id)"
    )
    with engine.connect() as conn:
        return int(conn.execute(text(query)).scalar_one())


def computing(sched: Scheduler) -> str:
    return [field(line, "window") or "" for line in sched.lines("computing")][-1]


@pytest.fixture(scope="module")
def killed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("sigkill")
    url = create_pg_database()
    engine = connect.make_engine(url)
    schema.upgrade(engine)
    write_data(tmp / "data")
    frame = pd.read_csv(tmp / "data" / "cur.csv")
    frame.assign(ts=pd.to_datetime(frame.ts, format="ISO8601")).to_sql("cur_rows", engine, index=False)
    (tmp / "jobs").mkdir()
    source = f'{{sql: {{url: "{url}", query: "{QUERY}"}}}}'
    (tmp / "jobs" / "loop.yaml").write_text(spec_text("loop", "3s", tmp / "data", source))
    schedulers: list[Scheduler] = []
    try:
        yield _kill_loop(tmp, url, engine, schedulers)
    finally:
        for sched in schedulers:
            sched.kill_group()
        engine.dispose()
        drop_pg_database(url)


def _kill_once(sched: Scheduler, engine: Engine, mid_run: bool, moments: random.Random) -> str | None:
    """Kill at a run in flight (returns its window) or at a random moment of start-up."""
    if mid_run:
        wait_for(
            "a run of this scheduler in flight",
            lambda: sleeping_query_in_flight(engine) or sched.exited(),
            120,
        )
    else:
        time.sleep(moments.uniform(0, 2))
    window = computing(sched) if mid_run else None
    os.kill(sched.proc.pid, signal.SIGKILL)  # the scheduler only: its workers must follow it
    sched.proc.wait(10)
    # Killed during warm-up, the fork server first finishes importing Evidently (over 15 s on
    # a busy machine), then sees the scheduler gone and exits; it never starts a worker.
    wait_for("the killed scheduler's workers to exit", lambda: not sched.group_alive(), 90)
    wait_for("the killed query to end", lambda: not sleeping_query_in_flight(engine), 15)
    return window


def _kill_loop(tmp: Path, url: str, engine: Engine, schedulers: list[Scheduler]) -> dict[str, Any]:
    moments, interrupted = random.Random(9), []
    for n in range(KILLS):
        sched = Scheduler(tmp / "jobs", url, tmp / f"scheduler{n}.log")
        schedulers.append(sched)
        if n == 0:  # history first: a model's very first window, killed, is not caught up
            wait_for("two stored windows", lambda: len(runs(engine, "loop")) >= 2, 120)
        window = _kill_once(sched, engine, n % 2 == 0, moments)
        if window:
            stored = [r for r in runs(engine, "loop") if window_key(r) == window]
            interrupted.append((window, stored))
    last = Scheduler(tmp / "jobs", url, tmp / "final.log")
    schedulers.append(last)
    wait_for(
        "catch-up to the first window ending after the last start",
        lambda: (rows := runs(engine, "loop")) and rows[-1]["window_end"] >= last.started,
        120,
    )
    code = last.stop()
    wait_for("the last scheduler's workers to exit", lambda: not last.group_alive(), 15)
    return {"schedulers": schedulers, "engine": engine, "started": last.started, "exit": code} | {
        "interrupted": interrupted
    }


def test_every_window_is_stored_once_without_gaps(killed: dict[str, Any]) -> None:
    rows = runs(killed["engine"], "loop")
    assert consecutive(rows, STEP), [r["window_end"] for r in rows]
    assert {r["status"] for r in rows} == {"succeeded"}
    counts = stored_per_window(*killed["schedulers"], model="loop")
    assert set(counts.values()) == {1}, counts.most_common(3)  # no window computed twice
    assert len(counts) == len(rows)
    assert rows[-1]["window_end"] >= killed["started"]


def test_windows_killed_mid_run_left_nothing_and_were_redone(killed: dict[str, Any]) -> None:
    assert len(killed["interrupted"]) == (KILLS + 1) // 2
    stored = {window_key(r) for r in runs(killed["engine"], "loop")}
    for window, right_after_kill in killed["interrupted"]:
        assert right_after_kill == []
        assert window in stored


def test_no_run_is_half_written_and_the_last_scheduler_stops_cleanly(killed: dict[str, Any]) -> None:
    assert incomplete(killed["engine"]) == 0
    assert killed["exit"] == 0
    assert not any(s.group_alive() for s in killed["schedulers"])

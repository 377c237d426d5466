"""Crash and restart on PostgreSQL: kill -9 mid-run, catch-up of missed windows, SIGTERM.

`slow` reads its current data from PostgreSQL with a pg_sleep in the query, so a run is
reliably in flight (visible in pg_stat_activity) when the test kills or stops the scheduler.
"""

import os
import signal
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
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

pytestmark = [pytest.mark.slow, pytest.mark.postgres]  # scheduler processes killed and restarted

SLOW_QUERY = "SELECT ts, x, y FROM cur_rows, pg_sleep(2) WHERE ts >= :window_start AND ts < :window_end"


def computing(sched: Scheduler, model: str) -> str:
    """The window `model` is computing now, from the scheduler's log."""
    started = [field(line, "window") for line in sched.lines("computing") if field(line, "model") == model]
    return started[-1] or ""


def feature_rows(engine: Engine, model: str, window: str) -> int:
    end = datetime.fromisoformat(window.split("/")[1].replace("Z", "+00:00"))
    query = text("SELECT count(*) FROM feature_results WHERE model = :m AND window_end = :e")
    with engine.connect() as conn:
        return int(conn.execute(query, {"m": model, "e": end}).scalar_one())


@pytest.fixture(scope="module")
def restarted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("restart")
    url = create_pg_database()
    engine = connect.make_engine(url)
    schema.upgrade(engine)
    write_data(tmp / "data")
    frame = pd.read_csv(tmp / "data" / "cur.csv")
    frame.assign(ts=pd.to_datetime(frame.ts, format="ISO8601")).to_sql("cur_rows", engine, index=False)
    jobs = tmp / "jobs"
    jobs.mkdir()
    (jobs / "fast.yaml").write_text(spec_text("fast", "2s", tmp / "data"))
    slow_source = f'{{sql: {{url: "{url}", query: "{SLOW_QUERY}"}}}}'
    (jobs / "slow.yaml").write_text(spec_text("slow", "3s", tmp / "data", slow_source))
    log = tmp / "scheduler.log"
    first = second = None
    try:
        first = Scheduler(jobs, url, log)
        out = _crash(first, engine)
        second = Scheduler(jobs, url, tmp / "scheduler2.log")
        yield (
            out
            | _restart_and_stop(second, engine, out["killed"])
            | {"first": first, "second": second, "engine": engine}
        )
    finally:
        for sched in (first, second):
            if sched:
                sched.kill_group()
        engine.dispose()
        drop_pg_database(url)


def _crash(sched: Scheduler, engine: Engine) -> dict[str, Any]:
    # A stored slow window first: catch-up starts from a model's history, and a model with
    # none starts at the current window (docs/scheduler.md), so a killed *first* window is
    # not redone. With the fast drift engine that case came up whenever the kill was early.
    wait_for(
        "2 fast windows, a stored slow window and a slow run in flight",
        lambda: (
            len(runs(engine, "fast")) >= 2
            and len(runs(engine, "slow")) >= 1
            and sleeping_query_in_flight(engine)
        ),
        120,
    )
    killed = computing(sched, "slow")
    os.kill(sched.proc.pid, signal.SIGKILL)  # the scheduler only: its worker must not finish alone
    sched.proc.wait(10)
    killed_at = datetime.now(UTC)
    wait_for("the orphaned worker to exit", lambda: not sched.group_alive(), 15)
    wait_for("the killed query to end", lambda: not sleeping_query_in_flight(engine), 15)
    after_kill = [r for r in runs(engine, "slow") if window_key(r) == killed]
    time.sleep(5)  # stay down for at least two fast windows
    return {
        "killed": killed,
        "rows_after_kill": after_kill,
        "features_after_kill": feature_rows(engine, "slow", killed),
        "killed_at": killed_at,
        "fast_before": runs(engine, "fast"),
    }


def _restart_and_stop(sched: Scheduler, engine: Engine, killed: str) -> dict[str, Any]:
    restarted_at = sched.started

    def caught_up() -> bool:
        fast = runs(engine, "fast")
        redone = [r for r in runs(engine, "slow") if window_key(r) == killed]
        return (
            bool(fast and redone)
            and fast[-1]["window_end"] >= restarted_at
            and sleeping_query_in_flight(engine)
        )

    wait_for("fast to catch up, the killed window redone and a slow run in flight", caught_up, 120)
    in_flight = computing(sched, "slow")
    code = sched.stop()
    return {"restarted_at": restarted_at, "in_flight": in_flight, "exit_code": code}


def test_kill9_leaves_no_partial_rows_and_no_orphan_processes(restarted: dict[str, Any]) -> None:
    assert restarted["killed"]
    assert restarted["rows_after_kill"] == []
    assert restarted["features_after_kill"] == 0


def test_the_killed_window_is_redone_at_the_next_start(restarted: dict[str, Any]) -> None:
    rows = [r for r in runs(restarted["engine"], "slow") if window_key(r) == restarted["killed"]]
    assert [r["status"] for r in rows] == ["succeeded"], rows
    assert rows[0]["started_at"] >= restarted["restarted_at"]


def test_restart_runs_exactly_the_missed_windows_oldest_first(restarted: dict[str, Any]) -> None:
    fast = runs(restarted["engine"], "fast")
    assert consecutive(fast, timedelta(seconds=2))  # no window missing, none twice
    counts = stored_per_window(restarted["first"], restarted["second"], model="fast")
    assert set(counts.values()) == {1}
    assert len(counts) == len(fast)
    missed = [r for r in fast if r["window_end"] > restarted["fast_before"][-1]["window_end"]]
    assert missed[0]["window_end"] < restarted["restarted_at"] - timedelta(seconds=2)  # really missed
    assert all(r["started_at"] >= restarted["restarted_at"] for r in missed)
    assert [r["started_at"] for r in missed] == sorted(r["started_at"] for r in missed)


def test_sigterm_lets_the_run_in_flight_finish_and_exits_0(restarted: dict[str, Any]) -> None:
    second = restarted["second"]
    assert restarted["exit_code"] == 0
    rows = [r for r in runs(restarted["engine"], "slow") if window_key(r) == restarted["in_flight"]]
    assert [r["status"] for r in rows] == ["succeeded"]
    lines = second.lines()
    stopping = next(i for i, line in enumerate(lines) if 'msg="stopping' in line)
    assert not [line for line in lines[stopping:] if "msg=computing" in line]  # nothing new started
    assert "abandoned_runs=0" in second.lines("scheduler stopped")[0]

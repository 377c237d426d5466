"""One scheduler process on PostgreSQL: a 1-second spec, a spec whose source is down, metrics,
and /healthz while its database goes away and comes back.

The run is shared by the tests of this module (one process start costs an Evidently import).
The store is a throwaway cluster of the test's own, so that it can be stopped.
"""

import json
import re
import signal
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from driftboard.store import connect, schema
from tests.support.schedproc import (
    Cluster,
    Scheduler,
    consecutive,
    free_port,
    runs,
    spec_text,
    stored_per_window,
    wait_for,
    write_data,
)

pytestmark = [pytest.mark.slow, pytest.mark.postgres]  # a scheduler process on a PostgreSQL of its own

CLOSED_PORT = free_port()  # nothing listens here: the source database is "down"
UNREACHABLE = (
    f"{{sql: {{url: 'postgresql+psycopg2://postgres@127.0.0.1:{CLOSED_PORT}/gone', query: 'SELECT 1'}}}}"
)


def samples(metrics: str) -> dict[str, float]:
    """Every driftboard sample except the ever-moving ones (creation times, queue depth)."""
    found = re.findall(r"^(driftboard_\S+) (\S+)$", metrics, re.MULTILINE)
    return {
        name: float(value) for name, value in found if "_created" not in name and "queue_depth" not in name
    }


def quiesce(sched: Scheduler) -> dict[str, float]:
    """Metrics once nothing runs any more: unchanged for 1.5 s and an empty queue."""

    def settled() -> dict[str, float] | None:
        before = samples(sched.get("/metrics")[1])
        time.sleep(1.5)
        after = sched.get("/metrics")[1]
        return before if before == samples(after) and sched.metric("driftboard_queue_depth") == 0 else None

    return wait_for("the scheduler to go quiet", settled, timeout=60, every=0)


@pytest.fixture(scope="module")
def steady(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("steady")
    cluster = Cluster()
    cluster.ctl("start")
    url = cluster.url
    engine = connect.make_engine(url)
    schema.upgrade(engine)
    write_data(tmp / "data")
    jobs = tmp / "jobs"
    jobs.mkdir()
    (jobs / "steady.yaml").write_text(spec_text("steady", "1s", tmp / "data"))
    (jobs / "unreachable.yaml").write_text(spec_text("unreachable", "3s", tmp / "data", UNREACHABLE))
    retries = {"retry_attempts": "3", "retry_initial_seconds": "0.2", "retry_max_seconds": "1"}
    sched = Scheduler(jobs, url, tmp / "scheduler.log", **retries)
    try:
        yield _exercise(sched, engine, jobs, cluster)
    finally:
        sched.kill_group()
        engine.dispose()
        cluster.remove()


def health(sched: Scheduler) -> tuple[int, dict[str, str]]:
    status, body = sched.get("/healthz")
    return status, json.loads(body) if body else {}


def _exercise(sched: Scheduler, engine: Engine, jobs: Path, cluster: Cluster) -> dict[str, Any]:
    wait_for(
        "6 windows of steady and 2 of unreachable",
        lambda: len(runs(engine, "steady")) >= 6 and len(runs(engine, "unreachable")) >= 2,
        timeout=120,
    )
    out: dict[str, Any] = {"health": sched.get("/healthz"), "loaded_metrics": sched.get("/metrics")[1]}
    for spec in jobs.iterdir():  # unload every job, so the metrics can be compared with a still store
        spec.unlink()
    sched.signal(signal.SIGHUP)
    out["metrics"] = quiesce(sched)
    out |= {"steady": runs(engine, "steady"), "unreachable": runs(engine, "unreachable")}
    engine.dispose()
    cluster.ctl("stop")
    out["health_db_down"] = wait_for("/healthz to turn 503", lambda: (h := health(sched))[0] == 503 and h, 30)
    cluster.ctl("start")
    out["health_db_back"] = wait_for("/healthz to recover", lambda: (h := health(sched))[0] == 200 and h, 30)
    out["exit_code"] = sched.stop()
    out["sched"] = sched
    return out


def test_one_second_spec_runs_consecutive_windows_each_stored_once(steady: dict[str, Any]) -> None:
    rows = steady["steady"]
    assert len(rows) >= 6
    assert {row["status"] for row in rows} == {"succeeded"}
    assert consecutive(rows, timedelta(seconds=1))
    stored = stored_per_window(steady["sched"], model="steady")
    assert len(stored) == len(rows)
    assert set(stored.values()) == {1}


def test_unreachable_source_is_retried_then_fails_with_the_reason(steady: dict[str, Any]) -> None:
    rows = steady["unreachable"]
    assert {row["status"] for row in rows} == {"failed"}
    for row in rows:
        assert row["error"].startswith("source database unavailable:")
        assert str(CLOSED_PORT) in row["error"]
    retried = [
        line for line in steady["sched"].lines("transient error; retrying") if "model=unreachable" in line
    ]
    assert len(retried) == 2 * len(rows)  # three attempts per window: two retries


def test_a_failing_job_does_not_hold_up_the_others(steady: dict[str, Any]) -> None:
    first_failure, last_failure = (
        steady["unreachable"][0]["finished_at"],
        steady["unreachable"][-1]["finished_at"],
    )
    meanwhile = [row for row in steady["steady"] if first_failure < row["started_at"] < last_failure]
    assert meanwhile  # steady's consecutive windows (above) kept running between unreachable's failures


def test_metrics_match_the_runs(steady: dict[str, Any]) -> None:
    metrics, ok, failed = steady["metrics"], steady["steady"], steady["unreachable"]
    assert metrics['driftboard_runs_total{model="steady",status="succeeded"}'] == len(ok)
    assert metrics['driftboard_runs_total{model="unreachable",status="failed"}'] == len(failed)
    assert metrics['driftboard_retries_total{model="unreachable"}'] == 2 * len(failed)
    last = max(row["finished_at"] for row in ok).timestamp()
    assert metrics['driftboard_last_success_timestamp_seconds{model="steady"}'] == pytest.approx(
        last, abs=1e-3
    )
    assert metrics["driftboard_scheduler_run_duration_seconds_count"] == len(ok) + len(failed)
    assert metrics["driftboard_scheduling_lag_seconds_count"] == len(ok) + len(failed)
    assert not any(name.startswith("driftboard_scheduler_job_info") for name in metrics)  # all unloaded


def test_job_info_and_healthz_while_running(steady: dict[str, Any]) -> None:
    loaded = samples(steady["loaded_metrics"])
    assert loaded['driftboard_scheduler_job_info{model="steady"}'] == 1
    assert loaded['driftboard_scheduler_job_info{model="unreachable"}'] == 1
    status, body = steady["health"]
    assert (status, json.loads(body)) == (200, {"healthy": True, "scheduler": "running", "database": "ok"})


def test_healthz_is_503_while_the_database_is_down(steady: dict[str, Any]) -> None:
    status, body = steady["health_db_down"]
    assert (status, body["healthy"], body["scheduler"]) == (503, False, "running")
    assert "127.0.0.1" in body["database"]  # libpq's reason, naming the server it cannot reach
    assert steady["health_db_back"] == (200, {"healthy": True, "scheduler": "running", "database": "ok"})


def test_sigterm_exits_zero(steady: dict[str, Any]) -> None:
    assert steady["exit_code"] == 0
    assert steady["sched"].lines("scheduler stopped")

"""PostgreSQL restarted in the middle of a run, on a throwaway cluster of the test's own.

Deterministic hooks, armed per test: `fault_pause(seq)` sleeps once when its sequence is
armed (sequences are not transactional, so an aborted attempt does not re-arm it). The
source query calls it while reading; a statement trigger on feature_results calls it
while the run's one transaction is open. The test restarts the cluster exactly then.
"""

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

from driftboard.jobs.load import load_spec
from driftboard.jobs.schedule import window_ending
from driftboard.jobs.window import Window
from driftboard.scheduler import retry, worker
from driftboard.settings import Settings
from driftboard.store import connect, schema
from tests.support.cli_helpers import invoke, runs, store_env
from tests.support.helpers import WINDOW_END, frames, write_job
from tests.support.schedproc import Cluster, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.postgres]  # a PostgreSQL server of its own, restarted

FAULT_SQL = [
    "CREATE SEQUENCE fault_source START 2",  # 2 and up: disarmed; setval(.., 1, false) arms
    "CREATE SEQUENCE fault_store START 2",
    "CREATE FUNCTION fault_pause(seq regclass) RETURNS int LANGUAGE plpgsql AS "
    "$$ BEGIN IF nextval(seq) = 1 THEN PERFORM pg_sleep(60); END IF; RETURN 1; END $$",
    "CREATE FUNCTION fault_store_pause() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN PERFORM fault_pause('fault_store'); RETURN NULL; END $$",
    "CREATE TRIGGER fault_store BEFORE INSERT ON feature_results "
    "FOR EACH STATEMENT EXECUTE FUNCTION fault_store_pause()",
]
QUERY = (
    "SELECT events.* FROM events, fault_pause('fault_source') AS p "
    "WHERE ts >= :window_start AND ts < :window_end"
)
FAULT_END = WINDOW_END - timedelta(hours=1)  # the window hit by the restart; the next one is clean


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    """Store and source on one throwaway server: two hours of events, the fault hooks."""
    cluster = Cluster()
    try:
        cluster.ctl("start")
        engine = connect.make_engine(cluster.url)
        schema.upgrade(engine)
        _, cur = frames()
        hours = [cur.assign(ts=pd.to_datetime(cur["ts"]) - timedelta(hours=h)) for h in (0, 1)]
        pd.concat(hours).to_sql("events", engine, index=False)
        with engine.begin() as conn:
            for statement in FAULT_SQL:
                conn.execute(text(statement))
        engine.dispose()
        yield cluster
    finally:
        cluster.remove()


def admin(cluster: Cluster) -> Engine:
    return create_engine(cluster.url, poolclass=NullPool)  # fresh connections: it restarts


def sleeping(cluster: Cluster) -> str | None:
    query = "SELECT query FROM pg_stat_activity WHERE wait_event = 'PgSleep'"
    with admin(cluster).connect() as conn:
        return conn.execute(text(query)).scalar()


def arm(cluster: Cluster, sequence: str) -> None:
    with admin(cluster).connect() as conn:
        conn.execute(text("SELECT setval(:s, 1, false)"), {"s": sequence})


def rows(cluster: Cluster, model: str) -> list[dict[str, Any]]:
    """The model's runs, each with the number of feature rows actually stored for it."""
    query = (
        "SELECT r.window_end, r.status, r.n_features, count(f.id) AS stored FROM runs r "
        "LEFT JOIN feature_results f ON f.run_id = r.id WHERE r.model = :m "
        "GROUP BY r.id ORDER BY r.window_end"
    )
    with admin(cluster).connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(query), {"m": model})]


def compute_with_retries(cluster: Cluster, job: Path, end: Any, tmp: Path) -> tuple[Any, list[int]]:
    """What a scheduler job does for one window: worker.compute under with_retries."""
    loaded = load_spec(job)
    settings = Settings(
        database_url=cluster.url,  # type: ignore[arg-type]
        reports_dir=tmp / "reports",
        keep_reports="none",
        retry_attempts=8,
        retry_initial_seconds=0.25,
        retry_max_seconds=2,
    )
    window: Window = window_ending(loaded.spec, end)
    calls: list[int] = []

    def attempt(number: int, final: bool) -> worker.WindowResult:
        calls.append(number)
        return worker.compute(loaded, window, settings, "fault", final)

    return retry.with_retries(attempt, settings, threading.Event(), lambda state: None), calls


def restart_during(cluster: Cluster, job: Path, tmp: Path, hook: str, model: str) -> list[int]:
    """Run the fault window; restart the server once the hook sleeps; return the attempts."""
    arm(cluster, hook)
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(compute_with_retries, cluster, job, FAULT_END, tmp)
        paused = wait_for(f"the run to reach {hook}", lambda: sleeping(cluster) or future.done(), 60)
        assert not future.done(), future.result()
        assert rows(cluster, model) == []  # mid-run, nothing of it is visible
        cluster.ctl("restart")
        result, calls = future.result(timeout=120)
    assert result.status == "succeeded", (paused, result)
    return calls


def job_for(tmp: Path, cluster: Cluster, model: str) -> Path:
    return write_job(tmp, model=model, current={"sql": {"url": cluster.url, "query": QUERY}})


@pytest.mark.parametrize("hook", ["fault_source", "fault_store"])
def test_a_restart_mid_run_is_retried_and_never_half_written(
    cluster: Cluster, tmp_path: Path, hook: str
) -> None:
    model = f"restart-{hook.removeprefix('fault_')}"
    job = job_for(tmp_path, cluster, model)
    calls = restart_during(cluster, job, tmp_path, hook, model)
    assert len(calls) >= 2  # the interrupted attempt, then at least one retry
    (row,) = rows(cluster, model)  # one row for the window: the retry replaced any failed attempt
    assert (row["status"], row["n_features"], row["stored"]) == ("succeeded", 3, 3)

    result, calls = compute_with_retries(cluster, job, WINDOW_END, tmp_path)  # the next run
    assert (result.status, calls) == ("succeeded", [1])
    assert [(r["status"], r["stored"]) for r in rows(cluster, model)] == [("succeeded", 3)] * 2


def test_a_one_shot_run_records_the_source_restart_with_its_reason(cluster: Cluster, tmp_path: Path) -> None:
    """`driftboard run` does not retry: the run is stored failed, the next one succeeds."""
    store = f"sqlite:///{tmp_path / 'store.db'}"
    job = job_for(tmp_path, cluster, "restart-oneshot")
    arm(cluster, "fault_source")
    at = ["--at", FAULT_END.isoformat()]
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(invoke, ["run", str(job), *at], store_env(store, tmp_path))
        wait_for("the source query to sleep", lambda: sleeping(cluster) or future.done(), 60)
        cluster.ctl("restart")
        result = future.result(timeout=120)
    # libpq says one or the other, depending on whether the server's goodbye beats the close.
    lost = (
        "terminating connection due to administrator command",
        "server closed the connection unexpectedly",
    )
    reasons = {f"source database unavailable: {message}" for message in lost}
    assert result.code == 1
    assert {f"error: run failed: {r}" for r in reasons} & set(result.stderr.splitlines()), result.stderr
    (row,) = runs(store)
    assert row["status"] == "failed"
    assert row["error"] in reasons
    assert invoke(["run", str(job), "--at", WINDOW_END.isoformat()], store_env(store, tmp_path)).code == 0

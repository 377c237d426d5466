"""A slow source query is bounded by the spec's `sql.statement_timeout`: PostgreSQL cancels it,
the run fails with a reason naming the setting, and the scheduler does not retry it."""

import threading
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine

from driftboard.data import sources
from driftboard.jobs.load import load_spec
from driftboard.jobs.schedule import window_ending
from driftboard.jobs.spec import SqlSource
from driftboard.scheduler import retry, worker
from driftboard.settings import Settings
from tests.support.cli_helpers import invoke, runs, store_env
from tests.support.databases import create_pg_database, drop_pg_database
from tests.support.helpers import WINDOW_END, frames, write_job

pytestmark = pytest.mark.postgres  # the slow source is a PostgreSQL query

SLOW = "SELECT * FROM events, pg_sleep(30) WHERE ts >= :window_start AND ts < :window_end"
REASON = "source query exceeded sql.statement_timeout (1s): canceling statement due to statement timeout"


@pytest.fixture(scope="module")
def source_url() -> Iterator[str]:
    url = create_pg_database("driftboard_slow")
    ref, cur = frames()
    engine = create_engine(url)
    ref.to_sql("reference", engine, index=False)
    cur.assign(ts=pd.to_datetime(cur["ts"])).to_sql("events", engine, index=False)
    engine.dispose()
    yield url
    drop_pg_database(url)


def slow_job(tmp_path: Path, source_url: str) -> Path:
    return write_job(
        tmp_path,
        model="slow-source",
        reference={"sql": {"url": source_url, "query": "SELECT * FROM reference"}},
        current={"sql": {"url": source_url, "query": SLOW, "statement_timeout": "1s"}},
    )


def test_the_timeout_fails_the_run_with_a_reason_naming_it(
    tmp_path: Path, fresh_store: str, source_url: str
) -> None:
    result = invoke(
        ["run", str(slow_job(tmp_path, source_url)), "--at", WINDOW_END.isoformat()],
        store_env(fresh_store, tmp_path),
    )
    assert result.code == 1
    assert f"error: run failed: {REASON}" in result.stderr.splitlines()
    (row,) = runs(fresh_store)
    assert (row["status"], row["error"]) == ("failed", REASON)


def test_the_scheduler_does_not_retry_a_timed_out_query(
    tmp_path: Path, fresh_store: str, source_url: str
) -> None:
    """A transient outcome raises TransientError on a non-final attempt; a timeout must not."""
    loaded = load_spec(slow_job(tmp_path, source_url))
    settings = Settings(database_url=fresh_store, reports_dir=tmp_path / "reports", keep_reports="none")  # type: ignore[arg-type]
    window = window_ending(loaded.spec, WINDOW_END)
    calls: list[int] = []

    def attempt(number: int, final: bool) -> worker.WindowResult:
        calls.append(number)
        return worker.compute(loaded, window, settings, "t", final)

    result = retry.with_retries(attempt, settings, threading.Event(), lambda state: None)
    assert (result.status, result.error, calls) == ("failed", REASON, [1])


def test_the_default_timeout_is_set_on_the_session(source_url: str) -> None:
    source = SqlSource(url=source_url, query="SELECT current_setting('statement_timeout') AS t")
    assert sources.load_sql(source, None)["t"].tolist() == ["5min"]

"""SQL sources on a real PostgreSQL: bound window parameters, SQL errors, unreachable servers."""

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine

from driftboard.data import dbquery, sources
from driftboard.jobs.load import load_spec
from driftboard.jobs.schedule import window_ending
from driftboard.run.evaluate import evaluate
from tests.support.cli_helpers import counts, invoke, runs, store_env
from tests.support.databases import create_pg_database, drop_pg_database
from tests.support.helpers import WINDOW_END, frames, write_job
from tests.support.misbehaving import misbehaving

AT = ["--at", "2026-03-01T12:00:00Z"]
WINDOW_QUERY = "SELECT * FROM events WHERE ts >= :window_start AND ts < :window_end"


@pytest.fixture(scope="module")
def source_url() -> Iterator[str]:
    """A source database with a reference table and an events table spanning two windows."""
    url = create_pg_database("driftboard_source")
    ref, cur = frames()
    early = cur.assign(ts=pd.to_datetime(cur["ts"]) - pd.Timedelta(hours=1), x=cur["x"] + 10)
    events = pd.concat([early, cur.assign(ts=pd.to_datetime(cur["ts"]))], ignore_index=True)
    engine = create_engine(url)
    ref.to_sql("reference", engine, index=False)
    events.to_sql("events", engine, index=False)
    engine.dispose()
    yield url
    drop_pg_database(url)


def sql_job(tmp_path: Path, query: str, url_env: str = "SOURCE_URL") -> Path:
    return write_job(
        tmp_path,
        reference={"sql": {"url_env": url_env, "query": "SELECT * FROM reference"}},
        current={"sql": {"url_env": url_env, "query": query}},
    )


def test_window_bounds_are_bound_parameters(tmp_path: Path, pg_url: str, source_url: str) -> None:
    env = store_env(pg_url, tmp_path) | {"SOURCE_URL": source_url}
    job = write_job(
        tmp_path,
        model="sql-window",
        reference={"sql": {"url_env": "SOURCE_URL", "query": "SELECT * FROM reference"}},
        current={"sql": {"url_env": "SOURCE_URL", "query": WINDOW_QUERY}},
    )
    result = invoke(["run", str(job), *AT, "--json"], env)
    assert result.code == 0, result.stderr
    body = result.json()
    # Only the 11:00-12:00 rows: the earlier hour (shifted by +10) would make x drift.
    assert body["run"]["window_start"] == "2026-03-01T11:00:00+00:00"
    features = {f["feature"]: f for f in body["features"]}
    assert features["x"]["drift_detected"] is False
    assert features["x"]["current_count"] == 400


def test_sql_error_is_recorded(tmp_path: Path, fresh_store: str, source_url: str) -> None:
    job = sql_job(tmp_path, "SELECT * FROM no_such_table WHERE ts >= :window_start")
    result = invoke(["run", str(job), *AT], store_env(fresh_store, tmp_path) | {"SOURCE_URL": source_url})
    assert result.code == 1
    reason = 'source query failed: relation "no_such_table" does not exist'
    assert reason in result.stderr
    (row,) = runs(fresh_store)
    assert (row["status"], row["error"]) == ("failed", reason)


def test_unreachable_source_is_recorded_without_the_password(tmp_path: Path, fresh_store: str) -> None:
    env = store_env(fresh_store, tmp_path) | {"SOURCE_URL": "postgresql+psycopg2://u:hunter2@127.0.0.1:1/x"}
    result = invoke(["run", str(sql_job(tmp_path, WINDOW_QUERY)), *AT], env)
    assert result.code == 1
    (row,) = runs(fresh_store)
    assert row["error"].startswith('source database unavailable: connection to server at "127.0.0.1", port 1')
    assert "hunter2" not in row["error"] + result.stderr + result.stdout


def test_a_source_that_never_answers_fails_at_the_connect_deadline(
    tmp_path: Path, fresh_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server that takes the connection and never speaks: libpq alone would wait forever."""
    monkeypatch.setitem(dbquery.PG_LINK, "connect_timeout", "1")
    with misbehaving("silent") as server:
        env = store_env(fresh_store, tmp_path) | {"SOURCE_URL": f"postgresql://u:hunter2@{server[7:]}/x"}
        result = invoke(["run", str(sql_job(tmp_path, WINDOW_QUERY)), *AT], env)
    assert result.code == 1
    (row,) = runs(fresh_store)
    assert row["error"].startswith("source database unavailable: connection to server at")
    assert row["error"].endswith("failed: timeout expired")


def test_unset_url_variable(tmp_path: Path, fresh_store: str) -> None:
    result = invoke(
        ["run", str(sql_job(tmp_path, WINDOW_QUERY, "NOT_SET_ANYWHERE")), *AT],
        store_env(fresh_store, tmp_path),
    )
    assert result.code == 1
    assert "environment variable NOT_SET_ANYWHERE (the source database URL) is not set" in result.stderr
    assert counts(fresh_store) == (1, 0)


def test_unknown_query_parameter(tmp_path: Path, fresh_store: str, source_url: str) -> None:
    job = sql_job(tmp_path, "SELECT * FROM events WHERE ts < :until")
    result = invoke(["run", str(job), *AT], store_env(fresh_store, tmp_path) | {"SOURCE_URL": source_url})
    assert result.code == 1
    assert "query uses unknown parameters: :until" in result.stderr


def test_postgresql_rows_never_become_python_tuples(
    tmp_path: Path, source_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL goes through ADBC into Arrow: SQLAlchemy's rows (tuples) are never made."""

    def no_rows(*args: object) -> None:
        raise AssertionError("rows fetched through SQLAlchemy")

    monkeypatch.setattr(sources, "_sqlalchemy", no_rows)
    monkeypatch.setenv("SOURCE_URL", source_url)
    loaded = load_spec(sql_job(tmp_path, WINDOW_QUERY))
    evaluation = evaluate(loaded, window_ending(loaded.spec, WINDOW_END), "none")
    assert evaluation.status == "succeeded", evaluation.error
    assert evaluation.current_rows == 400  # the window's hour, of the two in the table
    assert evaluation.reference_rows == 600

"""A `sql:` source takes the same PostgreSQL URL forms as the store (driftboard.dburl): each
runs against the real server; a driver that is not installed fails the run with one line,
recorded on the run, without retries."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from tests.support.cli_helpers import invoke, runs, store_env
from tests.support.databases import create_pg_database, drop_pg_database
from tests.support.helpers import frames, write_job

AT = ["--at", "2026-03-01T12:00:00Z"]


@pytest.fixture(scope="module")
def source_url() -> Iterator[str]:
    url = create_pg_database("driftboard_source")
    ref, cur = frames()
    engine = create_engine(url)
    ref.to_sql("reference", engine, index=False)
    cur.assign(ts=cur["ts"].astype("datetime64[ns, UTC]")).to_sql("events", engine, index=False)
    engine.dispose()
    yield url
    drop_pg_database(url)


def sql_job(tmp_path: Path) -> Path:
    events = "SELECT * FROM events WHERE ts >= :window_start AND ts < :window_end"
    return write_job(
        tmp_path,
        reference={"sql": {"url_env": "SOURCE_URL", "query": "SELECT * FROM reference"}},
        current={"sql": {"url_env": "SOURCE_URL", "query": events}},
    )


@pytest.mark.parametrize("scheme", ["postgresql://", "postgres://", "postgresql+psycopg2://"])
def test_each_form_reads_the_source(tmp_path: Path, fresh_store: str, source_url: str, scheme: str) -> None:
    env = store_env(fresh_store, tmp_path) | {"SOURCE_URL": scheme + source_url.split("://", 1)[1]}
    result = invoke(["run", str(sql_job(tmp_path)), *AT, "--json"], env)
    assert result.code == 0, result.stderr
    features = {f["feature"]: f for f in result.json()["features"]}
    assert features["x"]["current_count"] == 400
    assert features["x"]["reference_count"] == 600


def test_a_missing_driver_fails_the_run_in_one_line(
    tmp_path: Path, fresh_store: str, source_url: str
) -> None:
    env = store_env(fresh_store, tmp_path) | {
        "SOURCE_URL": "postgresql+psycopg://" + source_url.split("://")[1]
    }
    result = invoke(["run", str(sql_job(tmp_path)), *AT], env)
    reason = (
        "source URL in SOURCE_URL names driver 'postgresql+psycopg', which is not installed here "
        "(install it or write postgresql:// to use psycopg2)"
    )
    assert (result.code, result.stderr.splitlines()) == (1, [f"error: run failed: {reason}"])
    (row,) = runs(fresh_store)
    assert (row["status"], row["error"]) == ("failed", reason)

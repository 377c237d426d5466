"""A window (or reference) too large for memory fails before loading, naming the estimate and
the limit, and is recorded as a failed run that is not retried: no worker is OOM-killed."""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from sqlalchemy import create_engine

from driftboard.jobs.load import load_spec
from driftboard.jobs.schedule import window_ending
from driftboard.run.evaluate import evaluate
from driftboard.settings import Settings
from tests.support.cli_helpers import invoke, runs, store_env
from tests.support.databases import create_pg_database, drop_pg_database
from tests.support.helpers import WINDOW_END, frames, stamps, write_job

AT = ["--at", WINDOW_END.isoformat()]


def _parquet_job(tmp_path: Path, rows: int = 20_000) -> Path:
    ref, _ = frames()
    rng = np.random.default_rng(0)
    cur = pd.DataFrame({"ts": pd.to_datetime(stamps(rows)), "x": rng.normal(size=rows),
                        "y": rng.normal(size=rows), "c": rng.choice(["a", "b"], rows)})  # fmt: skip
    ref.to_parquet(tmp_path / "reference.parquet")
    cur.to_parquet(tmp_path / "current.parquet")
    return write_job(tmp_path, reference={"path": "reference.parquet"}, current={"path": "current.parquet"})


def test_a_window_over_the_limit_fails_before_loading(tmp_path: Path, sqlite_url: str) -> None:
    job = _parquet_job(tmp_path)
    env = store_env(sqlite_url, tmp_path) | {"DRIFTBOARD_MAX_WINDOW_BYTES": "100000"}
    result = invoke(["run", str(job), *AT], env)
    assert result.code == 1
    (row,) = runs(sqlite_url)
    assert row["status"] == "failed"
    assert f"error: run failed: {row['error']}" in result.stderr.splitlines()
    found = re.fullmatch(
        r"current data: the window holds 20,000 rows, about ([\d.]+) KB in memory, more than "
        rf"DRIFTBOARD_MAX_WINDOW_BYTES \(100\.0 KB\); nothing was loaded from {tmp_path}/current\.parquet",
        row["error"],
    )
    assert found, row["error"]
    actual = pq.read_table(tmp_path / "current.parquet", columns=["ts", "x", "y", "c"]).nbytes
    assert 0.8 * actual <= float(found[1]) * 1000 <= 1.6 * actual  # an estimate, on the safe side
    assert (
        invoke(["run", str(job), *AT], store_env(sqlite_url, tmp_path)).code == 0
    )  # under the default limit


def test_a_too_large_window_is_not_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRIFTBOARD_MAX_WINDOW_BYTES", "1000")
    from driftboard.settings import get_settings

    get_settings.cache_clear()
    loaded = load_spec(_parquet_job(tmp_path))
    evaluation = evaluate(loaded, window_ending(loaded.spec, WINDOW_END), "none")
    get_settings.cache_clear()
    assert evaluation.status == "failed"
    assert not evaluation.retryable  # the same window would be as large next time
    assert "DRIFTBOARD_MAX_WINDOW_BYTES (1.0 KB)" in (evaluation.error or "")


def test_csv_windows_are_estimated_from_their_files(tmp_path: Path, sqlite_url: str) -> None:
    job = write_job(tmp_path)  # reference.csv and current.csv
    size = (tmp_path / "current.csv").stat().st_size
    result = invoke(
        ["run", str(job), *AT],
        store_env(sqlite_url, tmp_path) | {"DRIFTBOARD_MAX_WINDOW_BYTES": str(size - 1)},
    )
    assert result.code == 1
    assert "current data: the window holds about" in result.stderr
    assert "more than DRIFTBOARD_MAX_WINDOW_BYTES" in result.stderr


def test_the_default_limit_is_a_share_of_memory_per_worker() -> None:
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert Settings(scheduler_workers=2).window_limit() == total // 4 // 2
    assert Settings(max_window_bytes=0).window_limit() == 0  # 0: no limit
    assert Settings(max_window_bytes=123).window_limit() == 123


@pytest.fixture(scope="module")
def big_source() -> Iterator[str]:
    url = create_pg_database("driftboard_limit")
    ref, cur = frames(n_cur=50_000)
    engine = create_engine(url)
    ref.to_sql("reference", engine, index=False)
    cur.assign(ts=pd.to_datetime(cur["ts"])).to_sql("events", engine, index=False)
    engine.dispose()
    yield url
    drop_pg_database(url)


def test_a_postgresql_result_is_stopped_at_the_limit(
    tmp_path: Path, fresh_store: str, big_source: str
) -> None:
    query = "SELECT * FROM events WHERE ts >= :window_start AND ts < :window_end"
    job = write_job(
        tmp_path,
        reference={"sql": {"url": big_source, "query": "SELECT * FROM reference"}},
        current={"sql": {"url": big_source, "query": query}},
    )
    env = store_env(fresh_store, tmp_path) | {"DRIFTBOARD_MAX_WINDOW_BYTES": "200000"}
    result = invoke(["run", str(job), *AT], env)
    assert result.code == 1
    assert (
        "current data: the query's result passed DRIFTBOARD_MAX_WINDOW_BYTES (200.0 KB) after"
        in result.stderr
    )
    (row,) = runs(fresh_store)
    assert row["status"] == "failed"

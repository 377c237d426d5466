"""Spark reads the sources itself (CSV and Parquet paths, Spark SQL over the catalog), cuts
the window in the right zone, checks every column and scores it: the evaluation equals the
fast engine's on the same data, feature by feature; the reference's tables are cached."""

import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from driftboard.drift.scoring import DriftOptions
from driftboard.drift.spark import refcache
from driftboard.jobs.load import load_spec
from driftboard.jobs.schedule import window_ending
from driftboard.results import Evaluation, RunStatus
from driftboard.run.evaluate import evaluate
from tests.support.helpers import WINDOW_END, spec_dict, stamps
from tests.support.spark_helpers import assert_same_evaluation, to_spark
from tests.support.spark_plugin import MASTER

ROUNDED = {"score": None, "drift_ratio": None}  # compared within 1e-9, the rest exactly
COLUMNS = {"numerical": ["x", "k", "z", "const", "gone", "txt"], "categorical": ["c", "grade"]}


def corners(n_ref: int = 2500, n_cur: int = 1200, seed: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ties, NaN, ±inf, −0.0, an all-null, a constant, a missing and a mistyped column, unseen
    categories and missing ones, whole numbers as categories (compared as text), and current
    rows on both sides of the window."""
    rng = np.random.default_rng(seed)

    def make(n: int, drifted: bool) -> pd.DataFrame:
        x = np.round(rng.normal(0.5 if drifted else 0, 1, n), 2)
        x[rng.random(n) < 0.1] = np.nan
        x[:3] = [np.inf, -np.inf, -0.0]
        return pd.DataFrame({
            "x": x,
            "k": rng.integers(0, 5 if drifted else 4, n).astype(float),
            "z": np.nan if drifted else rng.normal(0, 1, n),
            "const": np.full(n, 2.0),
            "txt": ["abc" if drifted and i % 7 == 0 else str(i % 9) for i in range(n)],
            "c": rng.choice(["u", "v", "w", "new"] if drifted else ["u", "v", "w"], n).astype(object),
            "grade": np.where(rng.random(n) < 0.1, np.nan, rng.integers(1, 4, n)),  # 1.0 is the category "1"
            **({} if drifted else {"gone": rng.normal(0, 1, n)}),
        })  # fmt: skip

    cur = make(n_cur, True)
    cur.loc[cur.index % 11 == 0, "c"] = None
    cur.insert(0, "ts", stamps(n_cur, WINDOW_END + timedelta(hours=1), timedelta(hours=3)))
    return make(n_ref, False), cur


def job(folder: Path, fmt: str, **overrides: Any) -> Path:
    ref, cur = corners()
    for name, frame in (("reference", ref), ("current", cur)):
        if fmt == "csv":
            frame.to_csv(folder / f"{name}.csv", index=False)
        elif name == "current":  # a real timestamp column: the filter is pushed into the scan
            frame.assign(ts=pd.to_datetime(frame["ts"], utc=True)).to_parquet(folder / f"{name}.parquet")
        else:
            frame.to_parquet(folder / f"{name}.parquet")
    spec = spec_dict(
        columns=COLUMNS, reference={"path": f"reference.{fmt}"}, current={"path": f"current.{fmt}"}
    )
    path = folder / "job.yaml"
    path.write_text(yaml.safe_dump({**spec, **overrides}))
    return path


def both(path: Path, cache: Path) -> tuple[Evaluation, Evaluation]:
    loaded = load_spec(path)
    window = window_ending(loaded.spec, WINDOW_END)
    want = evaluate(loaded, window, "none", DriftOptions())
    got = evaluate(loaded, window, "none", DriftOptions(engine="spark", spark_master=MASTER, cache_dir=cache))
    return got, want


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_spark_reads_the_files_and_equals_the_fast_engine(spark: object, tmp_path: Path, fmt: str) -> None:
    got, want = both(job(tmp_path, fmt), tmp_path / "cache")
    assert_same_evaluation(got, want)
    assert got.current_rows == 400  # the hour of the three that the window covers
    assert {f.feature: f.status.value for f in got.features if f.status.value != "ok"} == {
        "z": "skipped", "gone": "skipped", "txt": "error",
    }  # fmt: skip


def test_a_run_through_spark_connect_equals_the_fast_engine(spark_connect: str, tmp_path: Path) -> None:
    """`driftboard run` pointed at a Connect server by the environment, in a process of its own:
    PySpark builds Connect columns only where no classic session runs (this one has one)."""
    path, env = job(tmp_path, "parquet"), os.environ | {
        "DRIFTBOARD_DRIFT_ENGINE": "spark", "DRIFTBOARD_SPARK_MASTER": spark_connect,
        "DRIFTBOARD_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}",
        "DRIFTBOARD_CACHE_DIR": str(tmp_path / "cache"), "DRIFTBOARD_KEEP_REPORTS": "none",
    }  # fmt: skip
    command = [sys.executable, "-m", "driftboard", "run", str(path), "--at", WINDOW_END.isoformat(), "--json"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    got = json.loads(done.stdout[done.stdout.index("{") :])["features"]
    loaded = load_spec(path)
    want = evaluate(loaded, window_ending(loaded.spec, WINDOW_END), "none", DriftOptions()).features
    assert [g["feature"] for g in got] == [w.feature for w in want]
    for g, w in zip(got, want, strict=True):
        expected = json.loads(json.dumps(asdict(w), default=str))
        assert {**g, **ROUNDED} == {**expected, **ROUNDED}
        assert all(close(g[key], expected[key]) for key in ROUNDED), (g, expected)


def close(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (
        a is not None and b is not None and abs(a - b) <= 1e-9 * max(1.0, abs(b))
    )


def test_the_reference_tables_are_cached_per_fingerprint(
    spark: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, cache = job(tmp_path, "csv"), tmp_path / "cache"
    loaded = load_spec(path)
    window = window_ending(loaded.spec, WINDOW_END)
    options = DriftOptions(engine="spark", spark_master=MASTER, cache_dir=cache)
    first = evaluate(loaded, window, "none", options)
    (kept,) = (cache / "spark").iterdir()
    with monkeypatch.context() as patched:  # an unchanged reference is never counted again
        patched.setattr(refcache, "side_tables", lambda *a: pytest.fail("the reference was re-read"))
        assert_same_evaluation(evaluate(loaded, window, "none", options), first)
    with (tmp_path / "reference.csv").open("a") as more:  # a changed file is a new fingerprint
        more.write("0.5,1.0,0.1,2.0,1,u,2.0,0.3\n")
    changed = evaluate(loaded, window, "none", options)
    assert changed.reference_rows == first.reference_rows + 1
    assert kept in set((cache / "spark").iterdir())
    assert len(list((cache / "spark").iterdir())) == 2
    second = set((cache / "spark").iterdir()) - {kept}
    long_ago = time.time() - 2 * 86400
    os.utime(kept, (long_ago, long_ago))  # the first key was last used two days ago
    with (tmp_path / "reference.csv").open("a") as more:  # a third key, over a 1-byte bound
        more.write("0.25,1.0,0.1,2.0,1,u,2.0,0.3\n")
    evaluate(loaded, window, "none", replace(options, cache_max_bytes=1))
    kept_now = set((cache / "spark").iterdir())
    assert kept not in kept_now
    assert second < kept_now  # used within the hour: kept whatever the bound
    assert len(kept_now) == 2


def test_naive_times_are_cut_in_the_specs_zone(spark: object, tmp_path: Path) -> None:
    ref, cur = corners()
    paris = pd.to_datetime(cur["ts"]).dt.tz_convert("Europe/Paris").dt.tz_localize(None)
    cur.assign(ts=paris.astype(str)).to_csv(tmp_path / "current.csv", index=False)
    ref.to_csv(tmp_path / "reference.csv", index=False)
    path = tmp_path / "job.yaml"
    path.write_text(yaml.safe_dump(spec_dict(columns=COLUMNS, timestamp_timezone="Europe/Paris")))
    got, want = both(path, tmp_path / "cache")
    assert_same_evaluation(got, want)
    assert got.current_rows == 400


def test_spark_sql_binds_the_window_and_equals_the_fast_engine(spark: Any, tmp_path: Path) -> None:
    path = job(tmp_path, "parquet")
    ref, cur = pd.read_parquet(tmp_path / "reference.parquet"), pd.read_parquet(tmp_path / "current.parquet")
    to_spark(spark, ref).createOrReplaceTempView("ref_events")
    to_spark(spark, cur).createOrReplaceTempView("events")
    spec = yaml.safe_load(path.read_text())
    query = "SELECT * FROM events WHERE ts >= :window_start AND ts < :window_end"
    sql = {**spec, "reference": {"spark_sql": "SELECT * FROM ref_events"}, "current": {"spark_sql": query}}
    (tmp_path / "sql.yaml").write_text(yaml.safe_dump(sql))
    loaded = load_spec(tmp_path / "sql.yaml")
    window = window_ending(loaded.spec, WINDOW_END)
    options = DriftOptions(engine="spark", spark_master=MASTER, cache_dir=tmp_path / "cache")
    got = evaluate(loaded, window, "none", options)
    assert_same_evaluation(got, evaluate(load_spec(path), window, "none", DriftOptions()))
    refused = evaluate(loaded, window, "none", DriftOptions())  # the fast engine cannot read it
    assert (
        refused.error == "spark_sql sources are read by the spark engine: set DRIFTBOARD_DRIFT_ENGINE=spark"
    )


def test_a_failing_query_fails_the_run_with_sparks_reason(spark: object, tmp_path: Path) -> None:
    spec = spec_dict(columns=COLUMNS, reference={"spark_sql": "SELECT * FROM no_such_table"})
    (tmp_path / "job.yaml").write_text(yaml.safe_dump(spec))
    loaded = load_spec(tmp_path / "job.yaml")
    options = DriftOptions(engine="spark", spark_master=MASTER, cache_dir=tmp_path / "cache")
    found = evaluate(loaded, window_ending(loaded.spec, WINDOW_END), "none", options)
    assert found.status == RunStatus.FAILED
    assert str(found.error).startswith("reference data: spark_sql failed: ")
    assert "no_such_table" in str(found.error)
    assert "\n" not in str(found.error)


def test_a_spark_sql_window_is_queried_once(spark: Any, tmp_path: Path) -> None:
    """The engine passes over the window several times; a lake query must not run each time.
    A counting UDF in the query sees every row it reads exactly once per execution."""
    from pyspark.sql import functions as sf  # imported here: collecting tests needs no Spark

    path = job(tmp_path, "parquet")
    cur = pd.read_parquet(tmp_path / "current.parquet")
    to_spark(spark, cur).createOrReplaceTempView("events_once")
    seen = spark.sparkContext.accumulator(0)

    def tick(ts: Any) -> bool:
        seen.add(1)
        return True

    # Nondeterministic: Spark neither prunes nor reorders it, so it runs once per row read.
    spark.udf.register("tick", sf.udf(tick, "boolean", useArrow=False).asNondeterministic())
    query = "SELECT * FROM events_once WHERE tick(ts) AND ts >= :window_start AND ts < :window_end"
    spec = yaml.safe_load(path.read_text())
    (tmp_path / "once.yaml").write_text(yaml.safe_dump({**spec, "current": {"spark_sql": query}}))
    loaded = load_spec(tmp_path / "once.yaml")
    window = window_ending(loaded.spec, WINDOW_END)
    got = evaluate(loaded, window, "none", DriftOptions(engine="spark", spark_master=MASTER))
    assert got.status == "succeeded", got.error
    assert (seen.value, got.current_rows) == (len(cur), 400)  # each row read once, not once per pass

"""s3:// sources read by the spark engine where Spark has no Hadoop connector (none here:
Maven Central is out of reach): Spark's executors read through pyarrow (arrowsource.py),
against moto's S3 server started here. Only the window's hive folder and Parquet row groups
are planned, and the evaluation equals the fast engine's on the same files on disk."""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from pyspark.sql.datasource import InputPartition
from s3fs import S3FileSystem

from driftboard.data.locate import locate
from driftboard.drift.scoring import DriftOptions
from driftboard.drift.spark import arrowplan
from driftboard.drift.spark.arrowsource import ArrowReader, Plan
from driftboard.errors import DataError
from tests.support import lake
from tests.support.s3 import S3, moto_server
from tests.support.spark_helpers import assert_same_evaluation
from tests.support.spark_plugin import MASTER

BUCKET = "lake"
DAY = lake.DAY


@pytest.fixture(scope="module")
def s3() -> Iterator[S3]:
    with moto_server() as server:
        server.client().create_bucket(Bucket=BUCKET)
        yield server


@pytest.fixture
def aws_env(s3: S3, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """The test credentials and the endpoint, for this process (the driver lists and plans).
    fsspec keeps one S3 filesystem per process, with the endpoint it was made with: another
    module's moto server, since stopped, must not be the one asked."""
    for name, value in s3.env.items():
        monkeypatch.setenv(name, value)
    S3FileSystem.clear_instance_cache()
    yield s3.env
    S3FileSystem.clear_instance_cache()


@pytest.fixture
def s3_env(aws_env: dict[str, str], spark: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The same for Spark's Python workers, as `spark.executorEnv.*` gives them from its start."""
    for name, value in aws_env.items():
        monkeypatch.setitem(spark.sparkContext.environment, name, value)
    return aws_env


def _recording(monkeypatch: pytest.MonkeyPatch) -> list[Plan]:
    """What the driver plans for each side, as it goes to Spark."""
    plans: list[Plan] = []
    for name in ("_parquet", "_csv"):
        planner = getattr(arrowplan, name)

        def planned(*args: Any, planner: Any = planner) -> Plan:
            plans.append(planner(*args))
            return plans[-1]

        monkeypatch.setattr(arrowplan, name, planned)
    return plans


# Of the window's day (the other days' folders are never planned): with instants, the two row
# groups of 15 that hold 11:00-12:00; with wall times, bounds a day wider, so all 15; CSV, the file.
PLANNED = {"parquet": [(6,), (7,)], "naive": [(g,) for g in range(15)], "csv": [None]}


@pytest.mark.parametrize(("fmt", "zone"), [("parquet", None), ("parquet", "Europe/Paris"), ("csv", None)])
def test_spark_reads_s3_through_arrow_and_equals_the_fast_engine(
    s3_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, zone: str | None
) -> None:
    client, at = S3(s3_env["AWS_ENDPOINT_URL"]).client(), f"s3://{BUCKET}/{tmp_path.name}"
    for path in lake.write(tmp_path, fmt, zone):
        client.upload_file(str(path), BUCKET, f"{tmp_path.name}/{path.relative_to(tmp_path)}")
    (tmp_path / "s3").mkdir()
    remote = lake.job(tmp_path / "s3", f"{at}/reference.parquet", f"{at}/events/", zone)
    plans = _recording(monkeypatch)
    options = DriftOptions(engine="spark", spark_master=MASTER, cache_dir=tmp_path / "cache")
    got = lake.evaluate(remote, options)
    want = lake.evaluate(lake.job(tmp_path, "reference.parquet", "events", zone), DriftOptions())
    assert got.status == "succeeded", got.error
    assert_same_evaluation(got, want)
    assert (got.current_rows, {f.feature: f.drift_detected for f in got.features}["x"]) == (60, True)
    window = [(p.path, p.row_groups) for plan in plans for p in plan.parts if "/events/" in p.path]
    day = f"{BUCKET}/{tmp_path.name}/events/dt={DAY:%Y-%m-%d}/part.{fmt}"
    assert window == [(day, groups) for groups in PLANNED["naive" if zone else fmt]], window


def test_a_run_whose_object_goes_after_planning_fails_naming_it(
    s3_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What an executor meets when an object is deleted, or its credentials refused, after
    the driver listed it: the run fails with the reason the executor gave, naming the object."""
    client = S3(s3_env["AWS_ENDPOINT_URL"]).client()
    for path in lake.write(tmp_path, "parquet"):
        client.upload_file(str(path), BUCKET, f"gone/{path.relative_to(tmp_path)}")
    day = f"gone/events/dt={DAY:%Y-%m-%d}/part.parquet"
    planner = arrowplan._parquet

    def planned(*args: Any) -> Plan:
        plan = planner(*args)
        if plan.bounds is not None:  # the window's plan, made after the reference's
            client.delete_object(Bucket=BUCKET, Key=day)
        return plan

    monkeypatch.setattr(arrowplan, "_parquet", planned)
    remote = lake.job(tmp_path, f"s3://{BUCKET}/gone/reference.parquet", f"s3://{BUCKET}/gone/events/")
    options = DriftOptions(engine="spark", spark_master=MASTER, cache_dir=tmp_path / "cache")
    got = lake.evaluate(remote, options)
    assert got.status == "failed"
    assert str(got.error).startswith(f"Spark: s3://{BUCKET}/{day}: cannot read: "), got.error
    assert "\n" not in str(got.error)


def test_a_plan_without_parts_reads_nothing() -> None:
    """No row group can hold the window: Spark reads through one stand-in partition of its own."""
    plan = Plan("s3", f"s3://{BUCKET}/none/", pa.schema([("x", pa.float64())]), None, ())
    reader = ArrowReader(plan, arrowplan._spark_schema(plan.schema, [], plan.display))
    assert (reader.partitions(), list(reader.read(InputPartition(None)))) == ([], [])


def test_refused_credentials_fail_the_run_naming_the_path(
    spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with moto_server(refusing=True) as refusing:
        for name, value in refusing.env.items():
            monkeypatch.setenv(name, value)
        S3FileSystem.clear_instance_cache()
        job = lake.job(tmp_path, f"s3://{BUCKET}/r/reference.parquet", f"s3://{BUCKET}/r/events/")
        got = lake.evaluate(job, DriftOptions(engine="spark", spark_master=MASTER, cache_dir=tmp_path / "c"))
    S3FileSystem.clear_instance_cache()
    assert got.status == "failed"
    assert str(got.error).startswith(f"s3://{BUCKET}/r/reference.parquet: cannot list: "), got.error


def test_a_missing_bucket_fails_naming_the_path(aws_env: dict[str, str], tmp_path: Path) -> None:
    with pytest.raises(DataError, match=re.escape("s3://no-such-bucket/events/: cannot list: ")):
        locate("s3://no-such-bucket/events/", tmp_path)

"""s3:// read by Spark itself, through Hadoop's S3A connector (the route on a cluster that has
it), against moto's S3 server started here: the same evaluation as the fast engine on the same
files on disk. The connector's jars come from scripts/spark-jars.sh (run by scripts/setup.sh).

The run is a process of its own (tests/support/hadoop_run.py): jars join a JVM only at its
start, and the session's shared Spark must keep having no S3 connector for the pyarrow route
(tests/run/test_sparkobjectstore.py)."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from driftboard.drift.scoring import DriftOptions
from tests.support import lake
from tests.support.s3 import S3, moto_server

pytestmark = [pytest.mark.spark, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
JARS = ROOT / ".cache" / "spark-jars"
BUCKET = "hadoop-lake"
# hadoop-aws 3.3.1 reads as plain numbers these durations that Hadoop 3.5's defaults write as "60s"
DURATIONS = {
    "connection.establish.timeout": "60000", "connection.timeout": "200000",
    "connection.ttl": "300000", "threads.keepalivetime": "60",
    "multipart.purge.age": "86400", "assumed.role.session.duration": "1800",
}  # fmt: skip


def _submit(endpoint: str) -> str:
    jars = [JARS / "hadoop-aws-3.3.1.jar", JARS / "aws-java-sdk-bundle-1.11.901.jar"]
    missing = [str(j) for j in jars if not j.exists()]
    assert not missing, f"run scripts/spark-jars.sh first: {missing}"
    conf = {
        "fs.s3.impl": "org.apache.hadoop.fs.s3a.S3AFileSystem",  # s3:// as S3A, as docs/spark.md says
        "fs.s3a.endpoint": endpoint,
        "fs.s3a.path.style.access": "true",
        "fs.s3a.connection.ssl.enabled": "false",
        "fs.s3a.aws.credentials.provider": "com.amazonaws.auth.EnvironmentVariableCredentialsProvider",
        **{f"fs.s3a.{k}": v for k, v in DURATIONS.items()},
    }
    confs = [f"--conf spark.hadoop.{k}={v}" for k, v in conf.items()]
    return " ".join(["--jars", ",".join(map(str, jars)), *confs, "pyspark-shell"])


@pytest.fixture(scope="module")
def s3() -> Iterator[S3]:
    with moto_server() as server:
        server.client().create_bucket(Bucket=BUCKET)
        yield server


def test_spark_reads_s3_through_hadoop_and_equals_the_fast_engine(s3: S3, tmp_path: Path) -> None:
    client, at = s3.client(), f"s3://{BUCKET}/{tmp_path.name}"
    for path in lake.write(tmp_path, "parquet"):
        client.upload_file(str(path), BUCKET, f"{tmp_path.name}/{path.relative_to(tmp_path)}")
    (tmp_path / "s3").mkdir()
    remote = lake.job(tmp_path / "s3", f"{at}/reference.parquet", f"{at}/events/")
    env = os.environ | s3.env | {"PYSPARK_SUBMIT_ARGS": _submit(s3.endpoint)}
    command = [
        sys.executable,
        str(ROOT / "tests" / "support" / "hadoop_run.py"),
        str(remote),
        str(tmp_path / "c"),
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    got = json.loads(done.stdout.strip().splitlines()[-1])
    want = lake.evaluate(lake.job(tmp_path, "reference.parquet", "events"), DriftOptions())
    assert (got["status"], got["current_rows"], got["reference_rows"]) == (
        "succeeded", want.current_rows, want.reference_rows,
    )  # fmt: skip
    assert [f["feature"] for f in got["features"]] == [f.feature for f in want.features]
    for mine, theirs in zip(got["features"], want.features, strict=True):
        assert mine["drift_detected"] == theirs.drift_detected, mine
        assert mine["status"] == theirs.status.value, mine
        assert mine["score"] == pytest.approx(theirs.score, rel=1e-9, abs=1e-12), mine
    assert {f["feature"]: f["drift_detected"] for f in got["features"]}["x"] is True

"""s3:// sources through fsspec, against moto's S3 server started here on 127.0.0.1 (S3 is an
outside service, like Slack): credentials only from the environment, hive folders pruned,
the same scores as the same files on local disk, the reference keyed by its ETags."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from driftboard.data.locate import locate
from tests.support.cli_helpers import invoke, store_env
from tests.support.helpers import write_job
from tests.support.s3 import S3, moto_server

BUCKET = "features"
AT = datetime(2026, 3, 2, tzinfo=UTC)  # the window is 2026-03-01, one daily folder


@pytest.fixture(scope="module")
def s3_env() -> Iterator[dict[str, str]]:
    """moto's S3 server (tests/support/s3.py) with the bucket; its environment for the runs."""
    with moto_server() as s3:
        s3.client().create_bucket(Bucket=BUCKET)
        yield s3.env


def _events(day: datetime, drift: float, rng: np.random.Generator) -> pd.DataFrame:
    stamps = [day + timedelta(minutes=int(m)) for m in np.sort(rng.integers(0, 24 * 60, 500))]
    return pd.DataFrame({"ts": stamps, "x": rng.normal(drift, 1, 500), "y": rng.normal(5, 2, 500),
                         "c": rng.choice(["a", "b", "c"], 500)})  # fmt: skip


def _data(folder: Path) -> None:
    """A reference and three daily hive folders, the last one drifted in x."""
    rng = np.random.default_rng(6)
    _events(AT - timedelta(days=9), 0.0, rng).drop(columns="ts").to_parquet(folder / "reference.parquet")
    for i, day in enumerate(AT - timedelta(days=d) for d in (3, 2, 1)):
        (folder / "events" / f"dt={day:%Y-%m-%d}").mkdir(parents=True)
        _events(day, 1.0 if i == 2 else 0.0, rng).to_parquet(
            folder / "events" / f"dt={day:%Y-%m-%d}" / "part.parquet"
        )


def _upload(folder: Path, prefix: str, env: dict[str, str]) -> None:
    s3 = S3(env["AWS_ENDPOINT_URL"]).client()
    for path in sorted(folder.rglob("*.parquet")):
        s3.upload_file(str(path), BUCKET, f"{prefix}/{path.relative_to(folder)}")


def _run(job: Path, tmp_path: Path, env: dict[str, str]) -> dict[str, dict]:
    result = invoke(
        ["run", str(job), "--at", AT.isoformat(), "--json"],
        store_env(f"sqlite:///{job.parent / 's.db'}", tmp_path) | env,
    )
    assert result.code == 0, result.stderr
    features = {f["feature"]: f for f in result.json()["features"]}
    assert features["y"]["current_count"] == 500  # the last folder's rows
    return features


def _job(folder: Path, reference: str, current: str) -> Path:
    return write_job(
        folder, reference={"path": reference}, current={"path": current}, schedule={"cron": "0 0 * * *"}
    )


def test_s3_reads_equal_the_same_files_on_disk(tmp_path: Path, s3_env: dict[str, str]) -> None:
    _data(tmp_path)
    _upload(tmp_path, "model-a", s3_env)
    (tmp_path / "s3").mkdir()
    remote = _run(
        _job(tmp_path / "s3", f"s3://{BUCKET}/model-a/reference.parquet", f"s3://{BUCKET}/model-a/events/"),
        tmp_path,
        s3_env,
    )
    local = _run(_job(tmp_path, "reference.parquet", "events"), tmp_path, {})
    assert remote == local
    assert remote["x"]["drift_detected"] is True
    assert remote["y"]["drift_detected"] is False


def test_the_reference_is_keyed_by_its_etags(
    tmp_path: Path, s3_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in s3_env.items():
        monkeypatch.setenv(name, value)
    _data(tmp_path)
    _upload(tmp_path, "model-b", s3_env)
    path = f"s3://{BUCKET}/model-b/reference.parquet"
    first = locate(path, tmp_path).identity()
    assert locate(path, tmp_path).identity() == first
    frame = pd.read_parquet(tmp_path / "reference.parquet")
    frame.loc[0, "x"] += 1.0
    frame.to_parquet(tmp_path / "reference.parquet")
    _upload(tmp_path, "model-b", s3_env)
    assert locate(path, tmp_path).identity() != first


def test_credentials_in_the_path_are_refused(tmp_path: Path) -> None:
    job = _job(tmp_path, "s3://AKIAXXX:hunter2@features/ref.parquet", "events")
    result = invoke(["validate", str(job)], {})
    assert result.code == 2
    assert "credentials do not belong in the path" in result.stderr
    assert "hunter2" not in result.stderr

"""`driftboard validate --data`: each source opened (schema or first rows only) and checked
for the declared columns, their types and the timestamp column; problems as
`file:line: field: message`, exit 2. Files, Parquet, SQL on PostgreSQL, and s3:// on moto's
S3 server."""

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine

from tests.support.cli_helpers import invoke
from tests.support.databases import create_pg_database, drop_pg_database
from tests.support.helpers import frames, write_job
from tests.support.repo import REPO
from tests.support.s3 import S3, moto_server


def at(job: Path, *keys: str) -> str:
    """`file:line` where the value of the nested key `keys` starts (as `validate` reports it)."""
    lines, start = job.read_text().splitlines(), 0
    for key in keys:
        start = next(i for i in range(start, len(lines)) if lines[i].strip().startswith(f"{key}:"))
    block = lines[start].rstrip().endswith(":")  # a block value starts on the next line
    return f"{job}:{start + 1 + block}"


def missing(job: Path, column: str, has: str) -> str:
    where = at(job, "columns", "numerical")
    return f"{where}: columns.numerical: column {column!r} is not in the data (it has: {has})"


def validate(job: Path, env: dict[str, str] | None = None) -> tuple[int, list[str], str]:
    result = invoke(["validate", str(job), "--data"], env or {})
    return result.code, result.stderr.splitlines(), result.stdout


def test_the_example_spec_and_its_data_are_valid() -> None:
    code, problems, out = validate(REPO / "jobs" / "example-churn.yaml")
    assert (code, problems) == (0, [])
    assert "(example-churn)" in out


def test_a_missing_file_names_the_field_and_line(tmp_path: Path) -> None:
    job = write_job(tmp_path, reference={"path": "gone/*.csv"})
    assert invoke(["validate", str(job)], {}).code == 0  # without --data the spec alone is fine
    code, problems, out = validate(job)
    assert (code, problems) == (
        2,
        [f"{at(job, 'reference', 'path')}: reference.path: {tmp_path / 'gone/*.csv'}: no such file"],
    )
    assert "ok" not in out


def test_missing_and_mistyped_columns(tmp_path: Path) -> None:
    ref, cur = frames()
    cur = cur.assign(y=["about 3", *list(cur["y"][1:])])
    job = write_job(
        tmp_path, ref, cur.drop(columns="c"), columns={"numerical": ["x", "y"], "categorical": ["c"]}
    )
    code, problems, _ = validate(job)
    assert code == 2
    assert problems == [
        f"{at(job, 'columns', 'numerical')}: columns.numerical: column 'y' is declared numerical "
        "but holds 'about 3'",
        f"{at(job, 'columns', 'categorical')}: columns.categorical: "
        "column 'c' is not in the data (it has: ts, x, y)",
    ]


def test_a_timestamp_column_that_holds_no_times(tmp_path: Path) -> None:
    ref, cur = frames()
    job = write_job(tmp_path, ref, cur.assign(ts=["yesterday"] * len(cur)))
    code, problems, _ = validate(job)
    assert (code, problems) == (
        2,
        [
            f"{at(job, 'timestamp_column')}: timestamp_column: column 'ts' holds 'yesterday', "
            "which is not a time"
        ],
    )


def test_parquet_is_read_from_its_schema_and_first_rows(tmp_path: Path) -> None:
    ref, cur = frames()
    ref.to_parquet(tmp_path / "reference.parquet")
    cur.drop(columns="x").to_parquet(tmp_path / "current.parquet")
    job = write_job(tmp_path, reference={"path": "reference.parquet"}, current={"path": "current.parquet"})
    code, problems, _ = validate(job)
    assert (code, problems) == (
        2,
        [missing(job, "x", "ts, y, c")],
    )


@pytest.fixture(scope="module")
def source_url() -> Iterator[str]:
    url = create_pg_database("driftboard_source")
    ref, cur = frames()
    engine = create_engine(url)
    ref.to_sql("reference", engine, index=False)
    cur.assign(ts=pd.to_datetime(cur["ts"])).to_sql("events", engine, index=False)
    engine.dispose()
    yield url
    drop_pg_database(url)


def sql_job(tmp_path: Path, current: str) -> Path:
    sql = {"url_env": "SOURCE_URL"}
    return write_job(tmp_path, reference={"sql": sql | {"query": "SELECT * FROM reference"}},
                     current={"sql": sql | {"query": current}})  # fmt: skip


def test_sql_sources_are_queried_for_a_few_rows(tmp_path: Path, source_url: str) -> None:
    env = {"SOURCE_URL": source_url.replace("postgresql+psycopg2://", "postgres://")}
    ok = sql_job(tmp_path, "SELECT * FROM events WHERE ts < :window_end")
    assert validate(ok, env)[:2] == (0, [])
    narrow = sql_job(tmp_path, "SELECT ts, x FROM events")
    code, problems, _ = validate(narrow, env)
    assert code == 2
    assert missing(narrow, "y", "ts, x") in problems
    broken = sql_job(tmp_path, "SELECT * FROM nowhere")
    code, problems, _ = validate(broken, env)
    assert problems == [
        f'{at(broken, "current", "sql")}: current.sql: query failed: relation "nowhere" does not exist'
    ]


@pytest.fixture(scope="module")
def s3() -> Iterator[S3]:
    with moto_server() as server:
        client = server.client()
        client.create_bucket(Bucket="features")
        ref, cur = frames()
        client.put_object(Bucket="features", Key="churn/reference.csv", Body=ref.to_csv(index=False).encode())
        client.put_object(Bucket="features", Key="churn/current.csv", Body=cur.to_csv(index=False).encode())
        yield server


def test_s3_paths_are_opened_as_uris(tmp_path: Path, s3: S3) -> None:
    job = write_job(tmp_path, reference={"path": "s3://features/churn/reference.csv"},
                    current={"path": "s3://features/churn/current.csv"})  # fmt: skip
    assert validate(job, s3.env)[:2] == (0, [])
    wrong = write_job(tmp_path, reference={"path": "s3://features/churn/nothing.csv"})
    code, problems, _ = validate(wrong, s3.env)
    # The URI as written: never joined to the spec's folder (tmp_path/s3:/features/...).
    assert (code, problems) == (
        2,
        [f"{at(wrong, 'reference', 'path')}: reference.path: s3://features/churn/nothing.csv: no such file"],
    )


def test_s3_columns_are_checked(tmp_path: Path, s3: S3) -> None:
    job = write_job(tmp_path, reference={"path": "s3://features/churn/reference.csv"},
                    columns={"numerical": ["x", "w"]})  # fmt: skip
    code, problems, _ = validate(job, s3.env)
    assert code == 2
    assert problems[0] == missing(job, "w", "x, y, c")

"""The issue's daily model, written as a new user would write it: pandas `to_parquet` defaults.

Reference: `rows` rows x 50 features (40 numerical, 10 categorical) in one Parquet file.
Current: `days` days of `rows` rows each, in time order, in one Parquet file; the window is
the last day. Drift is injected in two numerical columns and one categorical of the last day.
"""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

SEED = 16
NUMERICAL = 40
CATEGORICAL = 10
KINDS = ("normal", "lognormal", "uniform", "normal_nan", "int4")
CATEGORY_COUNTS = (3, 10, 50, 200)
END = datetime(2026, 2, 4, tzinfo=UTC)  # the window is [END - 1 day, END)
TIMESTAMP = "event_time"


def _numerical(kind: str, n: int, drift: str, rng: np.random.Generator) -> np.ndarray:
    shift, scale = (0.5 if drift == "shift" else 0.0), (1.5 if drift == "scale" else 1.0)
    if kind == "lognormal":
        return rng.lognormal(shift, scale, n)
    if kind == "uniform":
        return rng.uniform(shift, shift + scale, n)
    if kind == "int4":
        return rng.integers(0, 4, n).astype(np.float64)
    values = rng.normal(shift, scale, n)
    if kind == "normal_nan":
        values[rng.random(n) < 0.02] = np.nan
    return values


def _categorical(k: int, n: int, drifted: bool, rng: np.random.Generator) -> pa.Array:
    weights = 1.0 / np.arange(1, k + 1)
    if drifted:
        weights = weights[::-1]
    codes = rng.choice(k, n, p=weights / weights.sum()).astype(np.int32)
    labels = pa.array([f"v{i}" for i in range(k)])
    return pa.DictionaryArray.from_arrays(codes, labels).cast(pa.string())  # plain strings, as pandas writes


def columns() -> dict[str, str]:
    names = {f"num_{i:03}": "numerical" for i in range(NUMERICAL)}
    return names | {f"cat_{j:03}": "categorical" for j in range(CATEGORICAL)}


def _block(rows: int, drifted: bool, rng: np.random.Generator) -> dict[str, object]:
    data: dict[str, object] = {}
    for i in range(NUMERICAL):
        drift = {0: "shift", 1: "scale"}.get(i, "") if drifted else ""
        data[f"num_{i:03}"] = _numerical(KINDS[i % len(KINDS)], rows, drift, rng)
    for j in range(CATEGORICAL):
        k = CATEGORY_COUNTS[j % len(CATEGORY_COUNTS)]
        data[f"cat_{j:03}"] = _categorical(k, rows, drifted and j == 0, rng)
    return data


def _write(path: Path, data: dict[str, object]) -> None:
    """Through pandas, as a user's pipeline would write it (pandas' and pyarrow's defaults)."""
    frame = pa.table(data).to_pandas()
    frame.to_parquet(path, index=False)


def generate(folder: Path, rows: int, days: int = 3) -> Path:
    """Writes reference.parquet, current.parquet and job.yaml into `folder`; returns the spec."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    _write(folder / "reference.parquet", _block(rows, False, rng))
    blocks = []
    for day in range(days):
        block = _block(rows, day == days - 1, rng)
        start = END - timedelta(days=days - day)
        offsets = np.sort(rng.integers(0, 86_400_000_000, rows))
        stamps = pd.Timestamp(start) + pd.to_timedelta(offsets, unit="us")
        blocks.append(pa.table({TIMESTAMP: pa.array(stamps), **block}))
    _write_table(folder / "current.parquet", pa.concat_tables(blocks))
    return write_spec(folder, "reference.parquet", "current.parquet")


def _write_table(path: Path, table: pa.Table) -> None:
    table.to_pandas().to_parquet(path, index=False)
    assert pq.ParquetFile(path).metadata.num_rows == table.num_rows


def write_spec(folder: Path, reference: str | dict[str, object], current: str | dict[str, object]) -> Path:
    names = columns()
    spec = {
        "model": "e2e-daily",
        "schedule": {"cron": "0 0 * * *"},
        "timestamp_column": TIMESTAMP,
        "reference": {"path": reference} if isinstance(reference, str) else reference,
        "current": {"path": current} if isinstance(current, str) else current,
        "columns": {
            "numerical": [n for n, t in names.items() if t == "numerical"],
            "categorical": [n for n, t in names.items() if t == "categorical"],
        },
    }
    path = folder / ("job.yaml" if isinstance(current, str) else "job-sql.yaml")
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def load_postgres(folder: Path) -> str:
    """The three days in a table `events` (ADBC's bulk ingest), indexed on the timestamp."""
    import adbc_driver_postgresql.dbapi as adbc

    name = "driftboard_e2e_bench"
    with adbc.connect(PG_ADMIN, autocommit=True) as conn, conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {name}")
        cur.execute(f"CREATE DATABASE {name}")
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    with adbc.connect(url) as conn:
        with conn.cursor() as cur:
            cur.adbc_ingest("events", pq.read_table(folder / "current.parquet"), mode="create")
            cur.execute(f"CREATE INDEX ON events ({TIMESTAMP})")
            cur.execute("ANALYZE events")
        conn.commit()
    (folder / "pg-url").write_text(url)
    return url


if __name__ == "__main__":  # in a process of its own: the benchmark's own process stays small
    import sys

    if sys.argv[1] == "--postgres":
        load_postgres(Path(sys.argv[2]))
    else:
        generate(Path(sys.argv[1]), int(sys.argv[2]))

"""The e2e benchmark's daily model (benchmarks/e2e/data.py: 40 numerical and 10 categorical
features, drift in three), streamed to Parquet a million rows at a time so that 10M rows
never sit in memory: reference `rows` rows; current the day before the window (a tenth of
`rows`, which the window's filter must skip) and the window's day (`rows`).

    python benchmarks/spark/data.py FOLDER ROWS
"""

import sys
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.e2e.data import END, SEED, TIMESTAMP, _block, write_spec  # noqa: E402

CHUNK = 1_000_000


def _chunks(rows: int) -> list[int]:
    return [min(CHUNK, rows - start) for start in range(0, rows, CHUNK)]


def _stamps(n: int, day: int, rng: np.random.Generator) -> pa.Array:
    offsets = np.sort(rng.integers(0, 86_400_000_000, n))
    return pa.array(pd.Timestamp(END - timedelta(days=day)) + pd.to_timedelta(offsets, unit="us"))


def generate(folder: Path, rows: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    writer = None
    for n in _chunks(rows):
        table = pa.table(_block(n, False, rng))
        writer = writer or pq.ParquetWriter(folder / "reference.parquet", table.schema)
        writer.write_table(table)
    assert writer is not None
    writer.close()
    writer = None
    for day, total in ((2, max(1, rows // 10)), (1, rows)):  # stamps in time order within each chunk
        for n in _chunks(total):
            table = pa.table({TIMESTAMP: _stamps(n, day, rng), **_block(n, day == 1, rng)})
            writer = writer or pq.ParquetWriter(folder / "current.parquet", table.schema)
            writer.write_table(table)
    assert writer is not None
    writer.close()
    return write_spec(folder, "reference.parquet", "current.parquet")


if __name__ == "__main__":
    generate(Path(sys.argv[1]), int(sys.argv[2]))

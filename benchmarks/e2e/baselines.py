"""The yardsticks of benchmarks/e2e_bench.py, each run as its own process (like `driftboard run`,
timed from its start): `python benchmarks/e2e/baselines.py WHAT FOLDER [ROWS]` prints one JSON line.

- pyarrow-window: pyarrow alone reads the window's rows and the spec's columns from the same
  Parquet file, with the same pushdown (the physical floor of a run from Parquet);
- pyarrow-reference: pyarrow reads the whole reference (what a cold run must add);
- pg-copy: `COPY (the window's query) TO STDOUT` through psycopg2, parsed into Arrow by
  pyarrow's CSV reader (the floor of a run from PostgreSQL);
- evidently: pandas reads the same files (the window cut in pandas), then Evidently's
  DataDriftPreset report runs on them, as an "Evidently + Grafana" stack would.
"""

import io
import json
import sys
import time
from datetime import timedelta
from pathlib import Path

T0 = time.monotonic()
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _columns() -> list[str]:
    from benchmarks.e2e.data import TIMESTAMP, columns

    return [TIMESTAMP, *columns()]


def pyarrow_window(folder: Path) -> dict[str, object]:
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    from benchmarks.e2e.data import END, TIMESTAMP

    field = pc.field(TIMESTAMP)
    window = (field >= END - timedelta(days=1)) & (field < END)
    table = ds.dataset(folder / "current.parquet").to_table(columns=_columns(), filter=window)
    return {"rows": table.num_rows, "bytes": table.nbytes}


def pyarrow_reference(folder: Path) -> dict[str, object]:
    import pyarrow.parquet as pq

    table = pq.read_table(folder / "reference.parquet")
    return {"rows": table.num_rows, "bytes": table.nbytes}


def pg_copy(folder: Path) -> dict[str, object]:
    import psycopg2
    import pyarrow.csv as pacsv

    from benchmarks.e2e.data import END, TIMESTAMP

    start = END - timedelta(days=1)
    query = (
        f"SELECT {', '.join(_columns())} FROM events "
        f"WHERE {TIMESTAMP} >= '{start.isoformat()}' AND {TIMESTAMP} < '{END.isoformat()}'"
    )
    sink = io.BytesIO()
    with psycopg2.connect((folder / "pg-url").read_text().strip()) as conn, conn.cursor() as cur:
        cur.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER)", sink)
    sink.seek(0)
    table = pacsv.read_csv(sink)
    return {"rows": table.num_rows, "bytes": table.nbytes}


def evidently(folder: Path) -> dict[str, object]:
    import pandas as pd

    from benchmarks.e2e.data import END, TIMESTAMP, columns
    from driftboard.drift.evidently_report import read_scores, run_report
    from driftboard.jobs.spec import Drift

    ref = pd.read_parquet(folder / "reference.parquet")
    cur = pd.read_parquet(folder / "current.parquet")
    cur = cur[(cur[TIMESTAMP] >= END - timedelta(days=1)) & (cur[TIMESTAMP] < END)]
    cur = cur.drop(columns=[TIMESTAMP]).reset_index(drop=True)  # the reference has no timestamps
    snapshot = run_report(ref, cur, columns(), Drift())
    return {"rows": len(cur), "scores": {n: s.score for n, s in read_scores(snapshot).items()}}


WHAT = {
    "pyarrow-window": pyarrow_window,
    "pyarrow-reference": pyarrow_reference,
    "pg-copy": pg_copy,
    "evidently": evidently,
}

if __name__ == "__main__":
    found = WHAT[sys.argv[1]](Path(sys.argv[2]))
    print(json.dumps(found | {"seconds_in_process": time.monotonic() - T0}))

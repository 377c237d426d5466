"""The spark engine on columns already read and checked by driftboard (any source, e.g. a
`sql:` query): each side's values go to Spark through Arrow and are scored there."""

import warnings
from typing import Any

import pyarrow as pa

from driftboard.data.columnar import Side
from driftboard.data.quality import Column
from driftboard.drift.scores import DriftResult
from driftboard.drift.spark import session, sparkscore, tables
from driftboard.jobs.spec import Drift


def _side(spark: Any, columns: list[Column], pick: str) -> Any:
    sides: list[Side | None] = [getattr(col, pick) for col in columns]
    arrays = [side.arrow() if side is not None else pa.chunked_array([], pa.float64()) for side in sides]
    table = pa.Table.from_arrays(arrays, names=[col.name for col in columns])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # PySpark's pandas 3 notice; no pandas is used
        return spark.createDataFrame(table)


def score_columns(columns: list[Column], drift: Drift, master: str) -> DriftResult:
    if not columns:
        return DriftResult({}, {})
    spark = session.get(master)
    types = {col.name: col.column_type for col in columns}
    ref = tables.side_tables(_side(spark, columns, "ref"), types, "reference")
    cur = tables.side_tables(_side(spark, columns, "cur"), types, "current", counted=False)
    try:
        return sparkscore.score_tables(ref, cur, types, drift)
    finally:
        tables.release(ref)
        tables.release(cur)

"""What the counted tests read of the joined tables (k, v|s, r, c): each column's union
summary, histogram counts over given edges, and value counts, each in one Spark job."""

from dataclasses import dataclass

import numpy as np
from pyspark.sql import DataFrame
from pyspark.sql import functions as sf

from driftboard.drift.fast.current import Counts


@dataclass(frozen=True)
class Union:
    """A numerical column's union of both sides: sizes, distinct counts and range."""

    n: int
    m: int
    values: int  # distinct values of both sides together
    ref_values: int  # distinct reference values
    low: float
    high: float


def joined(ref: DataFrame, cur: DataFrame, value: str) -> DataFrame:
    """Both sides' counts on one table: (k, value, r, c), one row per distinct value."""
    zero = sf.lit(0).cast("long")
    a = ref.select("k", value, sf.col("n").alias("r"), zero.alias("c"))
    b = cur.select("k", value, zero.alias("r"), sf.col("n").alias("c"))
    return a.unionByName(b).groupBy("k", value).agg(sf.sum("r").alias("r"), sf.sum("c").alias("c"))


def unions(table: DataFrame) -> dict[int, Union]:
    found = table.groupBy("k").agg(
        sf.sum("r"),
        sf.sum("c"),
        sf.count(sf.lit(1)),
        sf.count(sf.when(sf.col("r") > 0, 1)),
        sf.min("v"),
        sf.max("v"),
    )
    return {row[0]: Union(*row[1:]) for row in found.collect()}


def histograms(table: DataFrame, edges: dict[int, np.ndarray]) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """np.histogram's counts (last bin closed) of each side: bin = how many inner edges ≤ v,
    compared exactly against the edges numpy makes (no division that could round across)."""
    if not edges:
        return {}
    rows = [(k, [float(e) for e in e_[1:-1]]) for k, e_ in edges.items()]
    inner = sf.broadcast(table.sparkSession.createDataFrame(rows, "k int, inner array<double>"))
    binned = table.join(inner, "k").withColumn("bin", sf.size(sf.filter("inner", lambda e: e <= sf.col("v"))))
    found = {k: (np.zeros(len(e) - 1, np.int64), np.zeros(len(e) - 1, np.int64)) for k, e in edges.items()}
    for k, b, r, c in binned.groupBy("k", "bin").agg(sf.sum("r"), sf.sum("c")).collect():
        found[k][0][b], found[k][1][b] = r, c
    return found


def value_counts(table: DataFrame, value: str, keys: list[int]) -> dict[int, Counts]:
    """Counts of both sides over their union of values, sorted by value."""
    if not keys:
        return {}
    rows: dict[int, list[tuple[object, int, int]]] = {k: [] for k in keys}
    for k, v, r, c in table.where(sf.col("k").isin(keys)).collect():
        rows[k].append((v, r, c))
    return {k: _counts(sorted(found, key=lambda x: x[0])) for k, found in rows.items()}  # type: ignore[arg-type, return-value]


def _counts(found: list[tuple[object, int, int]]) -> Counts:
    ref = np.array([r for _, r, _ in found], dtype=np.int64)
    cur = np.array([c for _, _, c in found], dtype=np.int64)
    return Counts([v for v, _, _ in found], ref, cur, int(ref.sum()), int(cur.sum()))

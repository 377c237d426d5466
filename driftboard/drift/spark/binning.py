"""What the counted tests read of both sides' rows (k, v|s, r, c): each column's union
summary, histogram counts over given edges, and value counts, each in one Spark job."""

from dataclasses import dataclass

import numpy as np
from pyspark.sql import DataFrame
from pyspark.sql import functions as sf

from driftboard.drift.fast.current import Counts
from driftboard.drift.spark.tables import SideFacts


@dataclass(frozen=True)
class Union:
    """A numerical column's union of both sides: sizes, distinct counts and range."""

    n: int
    m: int
    values: int | None  # distinct values of both sides together; None: more than five, not counted
    ref_values: int  # distinct reference values
    low: float
    high: float


def union(ref: SideFacts, cur: SideFacts, values: int | None) -> Union:
    """From both sides' facts: no Spark job (`values` where it was counted, see `distinct`)."""
    assert ref.distinct is not None, "the reference's numbers are counted"
    lows, highs = [ref.low, cur.low], [ref.high, cur.high]
    low, high = min(x for x in lows if x is not None), max(x for x in highs if x is not None)
    return Union(ref.usable, cur.usable, values, ref.distinct, low, high)


def both(ref: DataFrame, cur: DataFrame, value: str) -> DataFrame:
    """Both sides' rows on one table (k, value, r, c) as they are: a value may repeat."""
    zero = sf.lit(0).cast("long")
    a = ref.select("k", value, sf.col("n").alias("r"), zero.alias("c"))
    return a.unionByName(cur.select("k", value, zero.alias("r"), sf.col("n").alias("c")))


def grouped(rows: DataFrame, value: str, keys: list[int]) -> DataFrame:
    """One row per distinct value of the `keys` columns: (k, value, r, c)."""
    picked = rows.where(sf.col("k").isin(keys))
    return picked.groupBy("k", value).agg(sf.sum("r").alias("r"), sf.sum("c").alias("c"))


def distinct(rows: DataFrame, keys: list[int]) -> dict[int, int]:
    """The exact number of distinct values of both sides together, of the `keys` columns."""
    if not keys:
        return {}
    return dict(grouped(rows, "v", keys).groupBy("k").count().collect())


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
    for k, v, r, c in grouped(table, value, keys).collect():
        rows[k].append((v, r, c))
    return {k: _counts(sorted(found, key=lambda x: x[0])) for k, found in rows.items()}  # type: ignore[arg-type, return-value]


def _counts(found: list[tuple[object, int, int]]) -> Counts:
    ref = np.array([r for _, r, _ in found], dtype=np.int64)
    cur = np.array([c for _, _, c in found], dtype=np.int64)
    return Counts([v for v, _, _ in found], ref, cur, int(ref.sum()), int(cur.sum()))

"""Wasserstein's W1 and the KS statistic D from the sorted union of both sides, exactly.

Over the distinct values x with counts r (reference) and c (current), running counts R and C,
n = Σr, m = Σc and gap = next x − x: W1 = Σ |m·R − n·C|·gap / (n·m) and D = max |R/n − C/m|.
A global ORDER BY would sort each column in one task, so the pass is spread over range
buckets cut at approximate quantiles of a sample (where they fall changes nothing of the
result): bucket totals give each bucket its starting R and C, a window function runs inside
each bucket, the gap across a bucket's end is the next bucket's minimum, and the buckets'
partial sums are added with `math.fsum`. m·R − n·C is computed in 64-bit integers: exact while
n·m < 9.2e18. The rows need not be grouped by value first (the current side's are one row per
value): the running counts use a RANGE frame, so rows with one value share R and C, and all
but the last of them see a gap of 0. One shuffle and one sort per run, no GROUP BY of values.
"""

import math
from collections import defaultdict
from dataclasses import dataclass

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as sf

BUCKET_VALUES = 250_000  # rows per bucket: what one task sorts at most, roughly
MAX_BUCKETS = 512
SAMPLED = 2_000  # rows sampled per bucket for its splits: plenty to balance the buckets


@dataclass(frozen=True)
class Walked:
    w1: float
    d: float


def buckets_for(most_rows: int, bucket_rows: int = BUCKET_VALUES) -> int:
    return max(1, min(MAX_BUCKETS, -(-most_rows // bucket_rows)))


def _bucketed(table: DataFrame, buckets: int, most_rows: int) -> DataFrame:
    """(k, v, r, c, b): b the value's bucket, from splits collected once, so that every pass
    over the rows cuts them at the same places."""
    if buckets == 1:
        return table.withColumn("b", sf.lit(0))
    probs = [i / buckets for i in range(1, buckets)]
    sample = table.sample(fraction=min(1.0, SAMPLED * buckets / max(most_rows, 1)), seed=17)
    found = sample.groupBy("k").agg(sf.percentile_approx("v", probs, 10_000)).collect()
    splits = table.sparkSession.createDataFrame(found, "k int, splits array<double>")
    below = sf.size(sf.filter("splits", lambda s: s <= sf.col("v")))
    return (
        table.join(sf.broadcast(splits), "k", "left")
        .withColumn("b", sf.coalesce(below, sf.lit(0)))
        .drop("splits")
    )


def _offsets(totals: list[tuple[int, int, int, int, float]]) -> list[tuple[int, int, int, int, float | None]]:
    """Per (k, b) in order: the running counts before the bucket, and the next bucket's minimum."""
    by_column = defaultdict(list)
    for row in sorted(totals):
        by_column[row[0]].append(row)
    found = []
    for rows in by_column.values():
        r0 = c0 = 0
        for i, (k, b, r, c, _) in enumerate(rows):
            following = rows[i + 1][4] if i + 1 < len(rows) else None
            found.append((k, b, r0, c0, following))
            r0, c0 = r0 + r, c0 + c
    return found


def walk(
    table: DataFrame, sizes: dict[int, tuple[int, int]], most_rows: int, bucket_rows: int
) -> dict[int, Walked]:
    """W1 and D of every column `k` in `table` (k, v, r, c), `sizes` its (n, m)."""
    with_b = _bucketed(table, buckets_for(most_rows, bucket_rows), most_rows)
    totals = with_b.groupBy("k", "b").agg(sf.sum("r"), sf.sum("c"), sf.min("v")).collect()
    offsets = [(*o, *sizes[o[0]]) for o in _offsets([tuple(t) for t in totals])]
    schema = "k int, b int, r0 long, c0 long, nxt double, nn long, mm long"
    known = sf.broadcast(table.sparkSession.createDataFrame(offsets, schema))
    parts = _terms(with_b.join(known, ["k", "b"])).groupBy("k")
    found = parts.agg(sf.collect_list("w").alias("w"), sf.max("d").alias("d")).collect()
    return {row.k: Walked(math.fsum(row.w) / (sizes[row.k][0] * sizes[row.k][1]), row.d) for row in found}


def _terms(rows: DataFrame) -> DataFrame:
    """Each bucket's Σ |m·R − n·C|·gap and max |R/n − C/m|, one row per (k, b)."""
    inside = Window.partitionBy("k", "b").orderBy("v")
    running = inside.rangeBetween(Window.unboundedPreceding, Window.currentRow)  # ties share R, C
    big_r = sf.col("r0") + sf.sum("r").over(running)
    big_c = sf.col("c0") + sf.sum("c").over(running)
    gap = sf.coalesce(sf.lead("v").over(inside), sf.col("nxt"), sf.col("v")) - sf.col("v")
    walked = rows.select(
        "k",
        "b",
        (sf.abs(sf.col("mm") * big_r - sf.col("nn") * big_c).cast("double") * gap).alias("t"),
        sf.abs(big_r / sf.col("nn") - big_c / sf.col("mm")).alias("d"),
    )
    return walked.groupBy("k", "b").agg(sf.sum("t").alias("w"), sf.max("d").alias("d"))

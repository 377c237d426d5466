"""One side of a run in Spark reduced to its per-column tables: value counts and facts.

Numbers become `(k, v, n)`: column index, finite value (−0.0 as 0.0), how many times; texts
become `(k, s, n)`. Every column goes through the side's long form of cells (column index,
value), missing and non-finite values included, and the facts (sizes, missing, infinite, min,
max, values that are no numbers) are read off it in one narrow aggregate per side, however
many columns. The reference is counted, one GROUP BY of (k, v), since its counts are cached
and its std and distinct counts are needed; the current side's numbers stay one row per value
(n = 1): the scoring groups them with the reference's where it must, so the window's cells
are shuffled once per run, not twice. Cleaning is Evidently's: NaN, ±inf and nulls dropped.
"""

import math
from dataclasses import dataclass, field

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as sf

from driftboard.data import convert
from driftboard.drift.spark.cells import as_number, as_text, finite, not_a_number, numeric_problem
from driftboard.jobs.stattests import ColumnType

TextCounts = dict[str, tuple[list[str], list[int]]]  # column -> categories, counts


@dataclass(frozen=True)
class SideFacts:
    length: int
    nulls: int  # null or NaN
    usable: int  # finite numbers, or non-null texts
    std: float | None = None  # population std of the usable numbers (Evidently's normaliser)
    low: float | None = None
    high: float | None = None
    distinct: int | None = None  # distinct usable numbers (counted sides: the reference)
    problem: str | None = None  # why the column cannot be scored on this side


@dataclass(frozen=True)
class SideTables:
    numbers: DataFrame  # k, v, n: finite values only
    texts: DataFrame  # k, s, n: present values only
    facts: dict[str, SideFacts]
    rows: int = 0
    dtypes: dict[str, list[str]] = field(default_factory=dict)  # pandas' names, as schema_changes reads
    categories: TextCounts = field(default_factory=dict)


def _cells(df: DataFrame, columns: dict[str, int], numbers: bool, counted: bool = True) -> DataFrame | None:
    if not columns:
        return None
    if numbers:
        cells = [sf.struct(sf.lit(k).alias("k"), as_number(df, n).alias("v"), not_a_number(df, n).alias("eg"))
                 for n, k in columns.items()]  # fmt: skip
        keys = ["k", "v", "eg"]
    else:
        cells = [sf.struct(sf.lit(k).alias("k"), as_text(df, n).alias("s")) for n, k in columns.items()]
        keys = ["k", "s"]
    long = df.select(sf.explode(sf.array(*cells)).alias("x")).select(*[f"x.{c}" for c in keys])
    if not counted:
        return long.withColumn("n", sf.lit(1).cast("long"))
    return long.groupBy(*keys).agg(sf.count(sf.lit(1)).alias("n"))


def side_tables(
    df: DataFrame, columns: dict[str, ColumnType], label: str, counted: bool = True
) -> SideTables:
    """`counted`: numbers grouped into counts, with std and distinct counts (the reference)."""
    present, found = set(df.columns), dict[str, SideFacts]()
    nums: dict[str, int] = {}
    texts: dict[str, int] = {}
    for k, (name, kind) in enumerate(columns.items()):
        problem = f"missing from {label} data" if name not in present else None
        if problem is None and kind == "numerical":
            problem = numeric_problem(df, name, label)
        if problem is not None:
            found[name] = SideFacts(0, 0, 0, problem=problem)
        else:
            (nums if kind == "numerical" else texts)[name] = k
    numbers, categories = _numbers(df, nums, label, found, counted), _texts(df, texts, found)
    rows = next((f.length for f in found.values() if f.problem is None or f.length), None)
    rows = df.count() if rows is None else rows
    text_cells = [
        (texts[name], s, n)
        for name, (values, ns) in categories.items()
        for s, n in zip(values, ns, strict=True)
    ]
    text_table = df.sparkSession.createDataFrame(text_cells, "k int, s string, n long")
    return SideTables(numbers, text_table, found, rows, _typed_if_empty(dtypes(df), found), categories)


def release(side: SideTables) -> None:
    """Drop the side's cached counts from Spark's memory once the run is scored."""
    side.numbers.unpersist()


def _numbers(
    df: DataFrame, nums: dict[str, int], label: str, found: dict[str, SideFacts], counted: bool
) -> DataFrame:
    grouped = _cells(df, nums, True, counted)
    if grouped is None:
        return df.sparkSession.createDataFrame([], "k int, v double, n long")
    if counted:
        grouped = grouped.persist()  # read three times here, then by the scoring
    ok, v, n = finite(sf.col("v")), sf.col("v"), sf.col("n")
    missing = v.isNull() & sf.col("eg").isNull() | sf.isnan(v)
    facts = {row.k: row for row in grouped.groupBy("k").agg(
        sf.sum(n).alias("length"), sf.sum(sf.when(missing, n)).alias("nulls"),
        sf.sum(sf.when(ok, n)).alias("usable"), sf.sum(sf.when(ok, n * v)).alias("total"),
        sf.min(sf.when(ok, v)).alias("low"), sf.max(sf.when(ok, v)).alias("high"),
        sf.sum(sf.when(sf.col("eg").isNotNull(), n)).alias("bad"), sf.min("eg").alias("eg"),
        sf.count(sf.when(ok, 1)).alias("distinct"),
    ).collect()}  # fmt: skip
    means = {k: r.total / r.usable for k, r in facts.items() if r.usable}
    spread = _spread(grouped, means) if counted else {}  # only the reference's std is read
    for name, k in nums.items():
        found[name] = _numeric_facts(facts[k], spread.get(k), name, label, counted)
    return grouped.where(ok).select("k", "v", "n")


def _spread(grouped: DataFrame, means: dict[int, float]) -> dict[int, float]:
    """Σ n·(v − mean)² per column: np.std's two passes, over the counts."""
    if not means:
        return {}
    mean = sf.element_at(sf.create_map(*[sf.lit(x) for kv in means.items() for x in kv]), sf.col("k"))
    rows = grouped.where(finite(sf.col("v")) & sf.col("k").isin(list(means)))
    squares = rows.groupBy("k").agg(sf.sum(sf.col("n") * sf.pow(sf.col("v") - mean, 2)).alias("s"))
    return {row.k: row.s for row in squares.collect()}


def _numeric_facts(row: object, spread: float | None, name: str, label: str, counted: bool) -> SideFacts:
    length, usable = int(row.length), int(row.usable or 0)  # type: ignore[attr-defined]
    if row.bad:  # type: ignore[attr-defined]
        bad, example = row.bad, row.eg  # type: ignore[attr-defined]
        problem = f"{bad} of {length} {label} values of {name!r} are not numeric (e.g. {example!r})"
        return SideFacts(length, 0, 0, problem=problem)
    std = math.sqrt(spread / usable) if usable and spread is not None else None
    distinct = int(row.distinct) if counted else None  # type: ignore[attr-defined]
    return SideFacts(length, int(row.nulls or 0), usable, std, row.low, row.high, distinct)  # type: ignore[attr-defined]


def _texts(df: DataFrame, texts: dict[str, int], found: dict[str, SideFacts]) -> TextCounts:
    grouped = _cells(df, texts, False)
    names = {k: name for name, k in texts.items()}
    counts: TextCounts = {name: ([], []) for name in texts}
    nulls = dict.fromkeys(texts, 0)
    for k, s, n in grouped.collect() if grouped is not None else []:
        if s is None:
            nulls[names[k]] += int(n)
        else:
            counts[names[k]][0].append(s)
            counts[names[k]][1].append(int(n))
    for name in texts:
        usable = sum(counts[name][1])
        found[name] = SideFacts(usable + nulls[name], nulls[name], usable)
    return counts


def dtypes(df: DataFrame) -> dict[str, list[str]]:
    """pandas' dtype name of every column, through the Arrow schema Spark would send."""
    from pyspark.sql.pandas.types import to_arrow_schema

    try:
        return convert.pandas_dtypes(to_arrow_schema(df.schema, timezone="UTC"))
    except (TypeError, ValueError, NotImplementedError, AssertionError):  # a type Arrow has no match for
        return {f.name: [f.dataType.simpleString()] for f in df.schema.fields}


def _typed_if_empty(names: dict[str, list[str]], found: dict[str, SideFacts]) -> dict[str, list[str]]:
    """A column with no value at all has no type in a CSV file: Spark says text, pandas float64
    (which the other engines report); the pandas name is kept, so no false dtype change."""
    empty = {n for n, f in found.items() if f.problem is None and f.length and f.nulls == f.length}
    return {n: ["float64"] if n in empty and kinds == ["str"] else kinds for n, kinds in names.items()}


__all__ = ["Column", "SideFacts", "SideTables", "TextCounts", "side_tables"]

"""One side of a run in Spark reduced to its per-column tables: value counts and facts.

Numbers become `(k, v, n)`: column index, finite value (−0.0 as 0.0), how many times; texts
become `(k, s, n)`. Both are GROUP BYs, so a side of 10M rows × 50 columns leaves Spark as
tables no longer than its distinct values, and its facts (sizes, missing, infinite, the
reference's std) as one small row. Cleaning is Evidently's: NaN, ±inf and nulls dropped.
"""

from dataclasses import dataclass, field
from typing import Any

from pyspark.sql import Column as SparkColumn
from pyspark.sql import DataFrame
from pyspark.sql import functions as sf
from pyspark.sql import types as st

from driftboard.data import convert
from driftboard.jobs.stattests import ColumnType

INF = float("inf")


@dataclass(frozen=True)
class SideFacts:
    length: int
    nulls: int  # null or NaN
    usable: int  # finite numbers, or non-null texts
    std: float | None = None  # population std of the usable numbers (Evidently's normaliser)
    low: float | None = None
    high: float | None = None
    problem: str | None = None  # why the column cannot be scored on this side


@dataclass(frozen=True)
class SideTables:
    numbers: DataFrame  # k, v, n
    texts: DataFrame  # k, s, n
    facts: dict[str, SideFacts]
    rows: int = 0
    dtypes: dict[str, list[str]] = field(default_factory=dict)  # pandas' names, as schema_changes reads


def quoted(name: str) -> SparkColumn:
    return sf.col("`" + name.replace("`", "``") + "`")


def as_number(df: DataFrame, name: str) -> SparkColumn:
    kind = df.schema[name].dataType
    if isinstance(kind, st.BooleanType):
        return quoted(name).cast("int").cast("double")
    return quoted(name).try_cast("double")  # a malformed number is counted, not fatal


def as_text(df: DataFrame, name: str) -> SparkColumn:
    """Categories as text: whole floats as integers (1.0 and 1 are one category), booleans as
    Python names them, as the fast engine's conversion does."""
    x, kind = quoted(name), df.schema[name].dataType
    if isinstance(kind, st.BooleanType):
        return sf.when(x, sf.lit("True")).when(~x, sf.lit("False"))
    if isinstance(kind, st.FloatType | st.DoubleType | st.DecimalType):
        whole = x == sf.floor(x)
        return (
            sf.when(sf.isnan(x), sf.lit(None))
            .when(whole, x.try_cast("long").cast("string"))
            .otherwise(x.cast("string"))
        )
    return x.cast("string")


def finite(v: SparkColumn) -> SparkColumn:
    return v.isNotNull() & ~sf.isnan(v) & (sf.abs(v) != INF)


def _numeric_aggs(df: DataFrame, name: str, i: int) -> list[SparkColumn]:
    v, raw = as_number(df, name), quoted(name)
    ok = finite(v)
    return [
        sf.count(sf.when(v.isNull() | sf.isnan(v), 1)).alias(f"nulls{i}"),
        sf.count(sf.when(ok, 1)).alias(f"usable{i}"),
        sf.stddev_pop(sf.when(ok, v)).alias(f"std{i}"),
        sf.min(sf.when(ok, v)).alias(f"low{i}"),
        sf.max(sf.when(ok, v)).alias(f"high{i}"),
        sf.count(sf.when(raw.isNotNull() & v.isNull(), 1)).alias(f"bad{i}"),
        sf.first(sf.when(raw.isNotNull() & v.isNull(), raw.cast("string")), ignorenulls=True).alias(f"eg{i}"),
    ]


def _text_aggs(df: DataFrame, name: str, i: int) -> list[SparkColumn]:
    return [sf.count(as_text(df, name)).alias(f"usable{i}")]


def numeric_problem(df: DataFrame, name: str, label: str) -> str | None:
    kind = df.schema[name].dataType
    if isinstance(kind, st.TimestampType | st.TimestampNTZType | st.DateType):
        return f"{label} column {name!r} holds timestamps, not numbers"
    return None


def facts(df: DataFrame, columns: dict[str, ColumnType], label: str) -> tuple[int, dict[str, SideFacts]]:
    """Every column's facts in one Spark job; a missing or mistyped column gets its problem."""
    present = set(df.columns)
    found: dict[str, SideFacts] = {}
    aggs: list[SparkColumn] = [sf.count(sf.lit(1)).alias("length")]
    todo = {}
    for i, (name, kind) in enumerate(columns.items()):
        problem = f"missing from {label} data" if name not in present else None
        if problem is None and kind == "numerical":
            problem = numeric_problem(df, name, label)
        if problem is not None:
            found[name] = SideFacts(0, 0, 0, problem=problem)
            continue
        todo[name] = (i, kind)
        aggs += _numeric_aggs(df, name, i) if kind == "numerical" else _text_aggs(df, name, i)
    row = df.agg(*aggs).collect()[0].asDict()
    for name, (i, kind) in todo.items():
        found[name] = _side_facts(row, i, kind, name, label)
    return int(row["length"]), found


def _side_facts(row: dict[str, Any], i: int, kind: ColumnType, name: str, label: str) -> SideFacts:
    length = int(row["length"])
    if kind == "categorical":
        usable = int(row[f"usable{i}"])
        return SideFacts(length, length - usable, usable)
    if row[f"bad{i}"]:
        bad, example = row[f"bad{i}"], row[f"eg{i}"]
        problem = f"{bad} of {length} {label} values of {name!r} are not numeric (e.g. {example!r})"
        return SideFacts(length, 0, 0, problem=problem)
    usable, std = int(row[f"usable{i}"]), row[f"std{i}"]
    return SideFacts(length, int(row[f"nulls{i}"]), usable, std, row[f"low{i}"], row[f"high{i}"])


def counted(df: DataFrame, columns: dict[str, ColumnType], scored: set[str]) -> tuple[DataFrame, DataFrame]:
    """The numbers' and texts' value counts of the `scored` columns, keyed by spec position."""
    nums, texts = [], []
    for i, (name, kind) in enumerate(columns.items()):
        if name in scored:
            if kind == "numerical":
                nums.append(sf.struct(sf.lit(i).alias("k"), as_number(df, name).alias("v")))
            else:
                texts.append(sf.struct(sf.lit(i).alias("k"), as_text(df, name).alias("s")))
    return _group(df, nums, "v"), _group(df, texts, "s")


def _group(df: DataFrame, cells: list[SparkColumn], value: str) -> DataFrame:
    if not cells:
        kind = "double" if value == "v" else "string"
        return df.sparkSession.createDataFrame([], f"k int, {value} {kind}, n long")
    long = df.select(sf.explode(sf.array(*cells)).alias("x")).select("x.k", f"x.{value}")
    keep = finite(sf.col("v")) if value == "v" else sf.col("s").isNotNull()
    long = long.where(keep)
    if value == "v":  # −0.0 is 0.0: one value, as numpy's sort and unique treat them
        long = long.withColumn("v", sf.when(sf.col("v") == 0, sf.lit(0.0)).otherwise(sf.col("v")))
    return long.groupBy("k", value).agg(sf.count(sf.lit(1)).alias("n"))


def side_tables(df: DataFrame, columns: dict[str, ColumnType], label: str) -> SideTables:
    rows, found = facts(df, columns, label)
    scored = {n for n, f in found.items() if f.problem is None and f.usable > 0}
    numbers, texts = counted(df, columns, scored)
    return SideTables(numbers, texts, found, rows, _typed_if_empty(dtypes(df), found))


def _typed_if_empty(names: dict[str, list[str]], found: dict[str, SideFacts]) -> dict[str, list[str]]:
    """A column with no value at all has no type in a CSV file: Spark says text, pandas float64
    (which the other engines report); the pandas name is kept, so no false dtype change."""
    empty = {n for n, f in found.items() if f.problem is None and f.length and f.nulls == f.length}
    return {n: ["float64"] if n in empty and kinds == ["str"] else kinds for n, kinds in names.items()}


def dtypes(df: DataFrame) -> dict[str, list[str]]:
    """pandas' dtype name of every column, through the Arrow schema Spark would send."""
    from pyspark.sql.pandas.types import to_arrow_schema

    try:
        return convert.pandas_dtypes(to_arrow_schema(df.schema, timezone="UTC"))
    except (TypeError, ValueError, NotImplementedError, AssertionError):  # a type Arrow has no match for
        return {f.name: [f.dataType.simpleString()] for f in df.schema.fields}

"""A spec's data read by Spark itself: Parquet or CSV paths, or Spark SQL over the catalog.

Paths are listed as for the other engines (data/locate: local, s3://, gs://, az://), hive
folders outside the window are left out, and the window's filter is put on the timestamp
column as Spark reads it, so Parquet row groups outside the window are skipped. Object
storage goes to Spark's Hadoop filesystem for the scheme, or where it has none, to executors
reading through pyarrow (arrowplan.py, with the same pruning planned up front). Spark SQL
gets the window's bounds as bound parameters (:window_start, :window_end), never as text.
"""

import hashlib
import re
from datetime import datetime
from pathlib import Path

from pyspark.sql import Column, DataFrame, DataFrameReader, SparkSession
from pyspark.sql import functions as sf
from pyspark.sql import types as st

from driftboard.data import hive, scan, sources
from driftboard.data.locate import DataFile, Location, scheme
from driftboard.data.request import Request
from driftboard.drift.spark import arrowplan
from driftboard.errors import DataError
from driftboard.jobs.spec import DataSource
from driftboard.jobs.window import Window

PARAMETER = re.compile(r":(window_start|window_end)\b")
WORKER_ERROR = f"{DataError.__module__}.{DataError.__name__}: "  # as a worker's traceback ends
OFFSET = r"(Z|z|[+-]\d{2}(:?\d{2})?)$"  # an ISO 8601 timestamp that says its UTC offset


def identity(source: DataSource, location: Location | None, now: datetime) -> str:
    if source.spark_sql is None:
        return sources.identity(source, location, now)
    period = (source.refresh or sources.DEFAULT_REFRESH).total_seconds()
    tick = int(now.timestamp() // period)
    return hashlib.sha256(
        f"driftboard-spark-sql-1\0{source.spark_sql}\0{period}\0{tick}".encode()
    ).hexdigest()


def where(source: DataSource, base_dir: Path) -> Location | None:
    return None if source.spark_sql is not None else sources.where(source, base_dir)


def frame(
    spark: SparkSession,
    source: DataSource,
    location: Location | None,
    window: Window | None,
    label: str,
    zone: str | None = None,
    timestamp: str | None = None,
    wanted: frozenset[str] | None = None,
) -> DataFrame:
    """The source as Spark reads it; of a file source with a window, only the hive folders the
    window overlaps (their names read in `zone`, the spec's timestamp_timezone, or UTC), and
    on object storage read through pyarrow, the row groups `timestamp` can put in the window
    (and of CSV there, as the fast engine reads it, the hive keys among the `wanted` columns)."""
    if source.spark_sql is not None:
        return _sql(spark, source.spark_sql, window, label)
    assert location is not None
    files = list(location.files)
    if window is not None:
        keys = [scan.partition_keys(location, f) for f in files]
        files = [f for f, k in zip(files, keys, strict=True) if hive.overlaps(k, zone or "UTC", window)]
    return _files(spark, location, files, Request(label, wanted, timestamp, zone, window))


def _sql(spark: SparkSession, query: str, window: Window | None, label: str) -> DataFrame:
    names = set(PARAMETER.findall(query))
    if names and window is None:
        raise DataError(f"{label}: the reference's spark_sql cannot use :window_start or :window_end")
    bounds = {"window_start": window.start, "window_end": window.end} if window else {}
    try:
        return spark.sql(query, args={n: bounds[n] for n in names})
    except Exception as exc:  # Spark's analysis and parse errors: their first line says it
        raise DataError(f"{label}: spark_sql failed: {first_line(exc)}") from None


def first_line(exc: BaseException) -> str:
    """The reason in one line: ours, if a Python worker raised a DataError (its traceback
    is in the message, after Spark's own first line), else Spark's first line."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    ours = [line.split(WORKER_ERROR, 1)[1] for line in lines if WORKER_ERROR in line]
    return ours[-1] if ours else lines[0] if lines else type(exc).__name__


def _uri(location: Location, file: DataFile) -> str:
    found = scheme(location.display)
    return f"{found}://{file.path}" if found else file.path


def _files(spark: SparkSession, location: Location, files: list[DataFile], request: Request) -> DataFrame:
    parquet = [_uri(location, f) for f in files if f.name.endswith((".parquet", ".pq"))]
    text = [_uri(location, f) for f in files if f.name.endswith((".csv", ".csv.gz"))]
    if len(parquet) + len(text) < len(files) or (parquet and text):
        raise DataError(f"{location.display}: use one format per source: .csv, .csv.gz or .parquet")
    if not files:
        raise DataError(f"{request.label}: no files in the window under {location.display}")
    if scheme(location.display) and not arrowplan.hadoop_reads(spark, (parquet + text)[0]):
        return arrowplan.frame(spark, location, files, request)  # no Hadoop connector for it
    for path in parquet + text:  # Spark keeps file listings and sizes per session: a file may have changed
        spark.catalog.refreshByPath(path)
    reader = spark.read
    if any(f.path != location.root for f in files):  # a folder: hive keys below it become columns
        reader = reader.option("basePath", _uri(location, DataFile(location.root, 0, "")))
    try:
        if parquet:
            return reader.parquet(*parquet)
        return _csv(reader, text)
    except Exception as exc:
        raise DataError(f"{location.display}: cannot read: {first_line(exc)}") from None


def _csv(reader: DataFrameReader, paths: list[str]) -> DataFrame:
    """Types inferred, except that every timestamp stays text: inference would read a naive
    time as UTC, where the spec's timestamp_timezone (or an error) must decide (see `cut`).
    The inference is a pass over the files of its own: CSV has no schema to ask."""
    reader = reader.option("header", True)
    inferred = reader.option("inferSchema", True).csv(paths).schema
    return reader.schema(st.StructType([_as_pandas_reads(f) for f in inferred.fields])).csv(paths)


def _as_pandas_reads(found: st.StructField) -> st.StructField:
    """Integers as 64 bits, as pandas reads CSV; timestamps as text (see `_csv`)."""
    if isinstance(found.dataType, st.IntegerType | st.ShortType | st.ByteType):
        return st.StructField(found.name, st.LongType())
    if isinstance(found.dataType, st.TimestampType | st.TimestampNTZType):
        return st.StructField(found.name, st.StringType())
    return found


def cut(df: DataFrame, column: str, zone: str | None, window: Window, label: str) -> DataFrame:
    """Rows with start <= timestamp < end, compared in UTC; naive times read in `zone`."""
    if column not in df.columns:
        raise DataError(f"{label}: timestamp column {column!r} is missing")
    x, kind = sf.col("`" + column.replace("`", "``") + "`"), df.schema[column].dataType
    if isinstance(kind, st.TimestampType):
        stamps = x  # an instant: compared as stored, so Parquet statistics prune row groups
    elif isinstance(kind, st.TimestampNTZType | st.DateType):
        stamps = sf.to_utc_timestamp(x.cast("timestamp"), _zone(zone, column, label))
    elif isinstance(kind, st.StringType):
        stamps = _parsed(df, x, zone, column, label)
    else:
        raise DataError(
            f"{label}: column {column!r} holds values that are not timestamps ({kind.simpleString()})"
        )
    return df.where((stamps >= sf.lit(window.start)) & (stamps < sf.lit(window.end)))


def _zone(zone: str | None, column: str, label: str) -> str:
    if zone is None:
        raise DataError(
            f"{label}: column {column!r} has timezone-naive timestamps; "
            "add the offset to the data or set timestamp_timezone in the spec"
        )
    return zone


def _parsed(df: DataFrame, x: Column, zone: str | None, column: str, label: str) -> Column:
    parsed, aware = sf.try_to_timestamp(x), x.rlike(OFFSET)
    if zone is None:
        first = df.where(x.isNotNull()).select(aware).limit(1).collect()
        if first and not first[0][0]:  # judged on the first value, as a parser sniffing the format would
            _zone(zone, column, label)
        return parsed
    return sf.when(aware, parsed).otherwise(sf.to_utc_timestamp(parsed, zone))

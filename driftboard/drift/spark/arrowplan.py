"""When and how Spark reads object storage through pyarrow (arrowsource.py) rather than
through Hadoop: only where Spark has no Hadoop filesystem for the scheme. The plan is made
here, on the driver, through the same listing and filesystem as the other engines: Parquet
row groups whose statistics can overlap the window (the fast engine's bounds: exact for
instants, a day wider for naive times, none for text), one part per CSV file.
"""

import pyarrow as pa
from pyspark.errors import PySparkException
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import types as st
from pyspark.sql.pandas.types import from_arrow_schema

from driftboard.data import columnwise, hive, scan, textfiles
from driftboard.data.convert import from_pandas
from driftboard.data.locate import PARQUET_SUFFIXES, DataFile, Location, scheme
from driftboard.data.request import Request
from driftboard.drift.spark.arrowsource import NAME, ArrowFiles, Part, Plan
from driftboard.errors import DataError

MISSING = "No FileSystem for scheme"  # Hadoop's UnsupportedFileSystemException, classic or Connect


def hadoop_reads(spark: SparkSession, uri: str) -> bool:
    """Whether Spark's Hadoop has a filesystem for the URI's scheme: resolving a path (not
    reading it) says so. Any other failure is left to the real read to report."""
    try:
        spark.read.format("text").load(uri).schema  # noqa: B018  (resolving is the probe)
    except Exception as exc:  # py4j's, Spark's or Connect's error: only its message says which
        return MISSING not in str(exc)
    return True


def frame(spark: SparkSession, location: Location, files: list[DataFile], request: Request) -> DataFrame:
    found = scheme(location.display)
    assert found is not None, location.display
    try:
        parquet = files[0].name.endswith(PARQUET_SUFFIXES)
        plan = (_parquet if parquet else _csv)(location, files, request, found)
    except (OSError, pa.ArrowException) as exc:
        raise DataError(f"{location.display}: cannot read: {exc}") from None
    schema = _spark_schema(plan.schema, _key_columns(location, files, plan, request), location.display)
    spark.dataSource.register(ArrowFiles)
    return spark.read.format(NAME).schema(schema).option("plan", plan.encoded()).load()


def _keys(location: Location, path: str) -> tuple[tuple[str, str], ...]:
    return tuple(hive.keys_below(location.root, path).items())


def _parquet(location: Location, files: list[DataFile], request: Request, found: str) -> Plan:
    dataset = scan.dataset_of(location, files)
    keys = set(_key_names_of(location, files))
    schema = pa.schema([f for f in dataset.schema if f.name not in keys])
    bounds = scan.window_bounds(dataset.schema, request, dataset)
    where = columnwise.expression(bounds) if bounds is not None else None
    parts = [
        Part(group.path, tuple(g.id for g in group.row_groups), _keys(location, group.path))
        for fragment in dataset.get_fragments(filter=where)
        for group in fragment.split_by_row_group(where, schema=dataset.schema)  # statistics prune here
    ]
    return Plan(found, location.display, schema, bounds, tuple(parts))


def _csv(location: Location, files: list[DataFile], request: Request, found: str) -> Plan:
    """The schema of the first file as pandas parses it (CSV has none to ask): later files are
    cast to it exactly, and a value that does not fit fails naming its file and column."""
    schema = from_pandas(textfiles.parse(location, files[0], None)).schema
    parts = [Part(f.path, None, _keys(location, f.path)) for f in files]
    return Plan(found, location.display, schema, None, tuple(parts))


def _key_names_of(location: Location, files: list[DataFile]) -> list[str]:
    return list(dict.fromkeys(k for f in files for k, _ in _keys(location, f.path)))


def _key_columns(location: Location, files: list[DataFile], plan: Plan, request: Request) -> list[str]:
    """The fast engine's: Parquet's hive keys are in its schema, CSV's only those asked for."""
    csv = any(p.row_groups is None for p in plan.parts)
    return [
        k
        for k in _key_names_of(location, files)
        if k not in plan.schema.names and (not csv or request.wanted is None or k in request.wanted)
    ]


def _spark_schema(schema: pa.Schema, keys: list[str], display: str) -> st.StructType:
    """Instants as TimestampType, naive times as TimestampNTZType (as Spark's Parquet reader
    gives them), dictionaries as their values, hive keys as text; every column nullable."""
    fields = []
    for field in schema:
        kind = field.type.value_type if pa.types.is_dictionary(field.type) else field.type
        try:
            (found,) = from_arrow_schema(pa.schema([pa.field(field.name, kind)])).fields
        except (TypeError, PySparkException) as exc:
            raise DataError(
                f"{display}: column {field.name!r}: Spark has no type for {kind}: {exc}"
            ) from None
        fields.append(st.StructField(field.name, found.dataType, True))
    return st.StructType(fields + [st.StructField(k, st.StringType(), True) for k in keys])

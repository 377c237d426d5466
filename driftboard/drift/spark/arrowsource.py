"""Files on object storage read by Spark's executors through pyarrow: a PySpark Python data
source for a Spark whose Hadoop has no filesystem for the scheme (no hadoop-aws, no GCS
connector). The driver plans (arrowplan.py): which files, which Parquet row groups can hold
the window. Each executor opens its part through pyarrow with the credentials of its own
environment (never the spec's), reads the row groups, keeps the rows within the bounds and
hands Spark Arrow batches in the planned schema. Executors need driftboard installed.
"""

import base64
import pickle
from collections.abc import Iterator
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.fs as pafs
from pyspark.sql.datasource import DataSource, DataSourceReader, InputPartition
from pyspark.sql.pandas.types import to_arrow_schema
from pyspark.sql.types import StructType

from driftboard.data import columnwise, scan, textfiles
from driftboard.data.convert import from_pandas
from driftboard.data.locate import DataFile, Location, remote_filesystem
from driftboard.errors import DataError

NAME = "driftboard_arrow"


@dataclass(frozen=True)
class Part(InputPartition):
    path: str  # as the filesystem names it, without the scheme
    row_groups: tuple[int, ...] | None  # None: the whole file (CSV)
    keys: tuple[tuple[str, str], ...]  # hive keys of its folders, added as text columns


@dataclass(frozen=True)
class Plan:
    scheme: str
    display: str
    schema: pa.Schema  # the files' columns, without the hive keys
    bounds: columnwise.Bounds | None
    parts: tuple[Part, ...]

    def encoded(self) -> str:
        """As a data source option (options are text); read back only by `decoded`."""
        return base64.b64encode(pickle.dumps(self)).decode()


def decoded(text: str) -> Plan:
    plan = pickle.loads(base64.b64decode(text))  # only ever the plan our driver encoded
    assert isinstance(plan, Plan)
    return plan


class ArrowFiles(DataSource):
    @classmethod
    def name(cls) -> str:
        return NAME

    def reader(self, schema: StructType) -> DataSourceReader:
        return ArrowReader(decoded(self.options["plan"]), schema)


class ArrowReader(DataSourceReader):
    def __init__(self, plan: Plan, schema: StructType) -> None:
        self.plan, self.target = plan, to_arrow_schema(schema, timezone="UTC")

    def partitions(self) -> list[Part]:
        return list(self.plan.parts)

    def read(self, partition: InputPartition) -> Iterator[pa.RecordBatch]:
        if not isinstance(partition, Part):  # Spark's stand-in when no row group can hold the window
            return
        where = f"{self.plan.scheme}://{partition.path}"
        try:
            filesystem = remote_filesystem(self.plan.scheme, where)
            for batch in self._batches(filesystem, partition):
                yield _shaped(batch, dict(partition.keys), self.target, where)
        except (OSError, ValueError, pa.ArrowException) as exc:  # a refused or missing object
            raise DataError(f"{where}: cannot read: {exc}") from None

    def _batches(self, filesystem: pafs.FileSystem, part: Part) -> Iterator[pa.RecordBatch]:
        if part.row_groups is None:
            location = Location(self.plan.display, "", (), filesystem)
            frame = textfiles.parse(location, DataFile(part.path, 0, ""), None)
            yield from from_pandas(frame).to_batches()
            return
        fragment = scan.PARQUET.make_fragment(part.path, filesystem, row_groups=list(part.row_groups))
        where = columnwise.expression(self.plan.bounds) if self.plan.bounds is not None else None
        yield from fragment.to_batches(schema=self.plan.schema, filter=where, use_threads=False)


def _shaped(batch: pa.RecordBatch, keys: dict[str, str], target: pa.Schema, where: str) -> pa.RecordBatch:
    """The batch in exactly the schema Spark expects (it refuses any other): hive keys as
    text, timestamps in microseconds, dictionaries decoded."""
    columns = []
    for field in target:
        if field.name in batch.schema.names:
            found = batch.column(field.name)
        elif field.name in keys:
            found = pa.array([keys[field.name]] * batch.num_rows, pa.string())
        else:
            found = pa.nulls(batch.num_rows, field.type)  # a column this file lacks
        try:  # timestamps truncated to microseconds, as Spark keeps them; anything else exact
            columns.append(found.cast(field.type, safe=not pa.types.is_timestamp(field.type)))
        except pa.ArrowInvalid as exc:
            raise DataError(f"{where}: column {field.name!r}: {exc}") from None
    return pa.RecordBatch.from_arrays(columns, schema=target)

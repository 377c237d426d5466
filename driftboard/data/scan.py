"""Read a file source into Arrow: only the columns asked for, and for a window only its rows.

Parquet: hive folders outside the window are never opened (hive.py); the other files are
filtered on the timestamp column with predicate pushdown, so row groups whose statistics lie
outside the window are skipped. CSV has no statistics: each file left after the folder
pruning is parsed (by pandas, as before) and cut to the window before the next one is read.
Before anything is loaded, its size is estimated and checked against the limit.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.dataset as ds

from driftboard.data import columnwise, hive, textfiles
from driftboard.data.convert import pandas_dtypes
from driftboard.data.cut import cut_table
from driftboard.data.locate import CSV_CODECS, PARQUET_SUFFIXES, SUPPORTED, DataFile, Location
from driftboard.data.request import Read, Request
from driftboard.data.size import check_size, parquet_bytes
from driftboard.errors import DataError


def read(location: Location, request: Request) -> Read:
    files = _pruned(location, request)
    parquet = [f for f in files if f.name.endswith(PARQUET_SUFFIXES)]
    text = [f for f in files if f.name.endswith(tuple(CSV_CODECS))]
    if len(parquet) + len(text) < len(files):
        odd = next(f for f in files if f not in parquet and f not in text)
        raise DataError(f"{odd.path}: unsupported file type; {SUPPORTED}")
    if text and not parquet:
        return textfiles.read(location, text, request)
    if parquet and not text:
        return _parquet(location, parquet, request)
    raise DataError(f"{location.display}: mixes CSV and Parquet files; use one format per source")


def _pruned(location: Location, request: Request) -> list[DataFile]:
    if request.window is None:
        return list(location.files)
    zone = request.zone or "UTC"
    return [f for f in location.files if hive.overlaps(partition_keys(location, f), zone, request.window)]


# Column chunks read as they are decoded, not a whole row group ahead (pre_buffer): with the
# column-at-a-time read (columnwise.py) memory holds one column chunk per thread.
PARQUET = ds.ParquetFileFormat(default_fragment_scan_options=ds.ParquetFragmentScanOptions(pre_buffer=False))


def partition_keys(location: Location, file: DataFile) -> dict[str, str]:
    return hive.keys_below(location.root, file.path)


def _partitioning(location: Location, files: list[DataFile]) -> ds.Partitioning | None:
    """Hive keys as text columns, as the CSV reader adds them (`hour=05` stays "05")."""
    names = dict.fromkeys(k for f in files for k in partition_keys(location, f))
    if not names:
        return None
    return ds.partitioning(pa.schema([(k, pa.string()) for k in names]), flavor="hive")


def dataset_of(location: Location, files: list[DataFile]) -> ds.Dataset:
    try:
        return ds.dataset(
            [f.path for f in files],
            filesystem=location.filesystem,
            format=PARQUET,
            partitioning=_partitioning(location, files),
            partition_base_dir=location.root,
        )
    except (OSError, pa.ArrowException) as exc:
        raise DataError(f"{location.display}: cannot read: {exc}") from None


def _parquet(location: Location, files: list[DataFile], request: Request) -> Read:
    if not files:  # every folder lies outside the window
        return Read(pa.table({}), {})
    dataset = dataset_of(location, files)
    schema = dataset.schema
    columns = [n for n in dict.fromkeys(schema.names) if request.wanted is None or n in request.wanted]
    bounds = window_bounds(schema, request, dataset)
    try:
        where = columnwise.expression(bounds) if bounds is not None else None
        check_size(request, parquet_bytes(dataset, columns, where), location.display)
        table = columnwise.read_table(dataset, columns, bounds)
        pa.default_memory_pool().release_unused()  # the decoding buffers, back to the system
    except (OSError, pa.ArrowException) as exc:
        raise DataError(f"{location.display}: cannot read: {exc}") from None
    if request.window is not None and request.timestamp is not None and not _exact(schema, request):
        table = cut_table(table, request.timestamp, request.zone, request.window, request.label)
    return Read(table, pandas_dtypes(schema))


def _exact(schema: pa.Schema, request: Request) -> bool:
    """Whether the pushed-down filter is the window itself (timestamps with a zone)."""
    assert request.timestamp is not None
    kind = schema.field(request.timestamp).type
    return pa.types.is_timestamp(kind) and kind.tz is not None


def window_bounds(schema: pa.Schema, request: Request, dataset: ds.Dataset) -> columnwise.Bounds | None:
    """The window as bounds Arrow pushes into row-group statistics; wider than the window
    for naive timestamps (cut exactly afterwards), none for timestamps stored as text."""
    if request.window is None or request.timestamp is None:
        return None
    column, window = request.timestamp, request.window
    if column not in schema.names:
        raise DataError(f"{request.label}: timestamp column {column!r} is missing")
    kind = schema.field(column).type
    if not pa.types.is_timestamp(kind):
        return None
    if kind.tz is not None:
        start, end = window.start, window.end
    elif request.zone is None:
        if dataset.count_rows():
            raise DataError(
                f"{request.label}: column {column!r} has timezone-naive timestamps; "
                "add the offset to the data or set timestamp_timezone in the spec"
            )
        return None
    else:  # local wall time: a day either side covers any offset and DST change
        zone = ZoneInfo(request.zone)
        start = window.start.astimezone(zone).replace(tzinfo=None) - timedelta(days=1)
        end = window.end.astimezone(zone).replace(tzinfo=None) + timedelta(days=1)
    return column, pa.scalar(start).cast(kind), pa.scalar(end).cast(kind)

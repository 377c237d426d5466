"""How much memory a read would take, estimated before anything is loaded, and the limit.

A window or reference larger than `DRIFTBOARD_MAX_WINDOW_BYTES` fails its run before loading,
naming the estimate and the limit, instead of letting the kernel kill the worker: the
scheduler and its other runs carry on.
"""

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from driftboard.data.request import Request
from driftboard.errors import DataError

TEXT_WIDTH = 16  # bytes per value of a text column when the file says less: offsets plus a few characters
COMPRESSED_RATIO = 4  # a .csv.gz (.xz, .bz2) file holds about this many times its size


def human(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1000
    raise AssertionError  # unreachable


def check_size(request: Request, estimate: tuple[int | None, int], where: str) -> None:
    """`estimate`: rows (None when unknown before parsing, as for CSV) and bytes."""
    rows, size = estimate
    if request.limit and size > request.limit:
        what = "window" if request.window is not None else "source"
        held = f"{rows:,} rows, about {human(size)}" if rows is not None else f"about {human(size)}"
        raise DataError(
            f"{request.label}: the {what} holds {held} in memory, more than "
            f"DRIFTBOARD_MAX_WINDOW_BYTES ({human(request.limit)}); nothing was loaded from {where}"
        )


def _width(kind: pa.DataType) -> int:
    try:
        return max(1, int(kind.bit_width) // 8)
    except ValueError:  # variable width: text, binary, nested
        return TEXT_WIDTH


def parquet_bytes(dataset: ds.Dataset, columns: list[str], where: pc.Expression | None) -> tuple[int, int]:
    """Rows the filter keeps (row-group statistics, then the timestamp column alone) times
    the bytes a row takes: the file's uncompressed sizes, or the type's width if larger."""
    rows = dataset.count_rows(filter=where) if where is not None else dataset.count_rows()
    total_rows, per_column = 0, dict.fromkeys(columns, 0)
    for fragment in dataset.get_fragments():
        meta = fragment.metadata
        total_rows += meta.num_rows
        for g in range(meta.num_row_groups):
            group = meta.row_group(g)
            for c in range(group.num_columns):
                chunk = group.column(c)
                if chunk.path_in_schema in per_column:
                    per_column[chunk.path_in_schema] += chunk.total_uncompressed_size
    schema = dataset.schema
    row = sum(max(per_column[name] / max(total_rows, 1), _width(schema.field(name).type)) for name in columns)
    return rows, int(rows * row)


def file_bytes(sizes: list[tuple[str, int]]) -> int:
    compressed = (".gz", ".xz", ".bz2")
    return sum(size * (COMPRESSED_RATIO if name.lower().endswith(compressed) else 1) for name, size in sizes)

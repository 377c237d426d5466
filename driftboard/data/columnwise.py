"""Parquet read one column at a time: each row group the statistics keep has its timestamp
column read first, giving the window's rows; then every other column is read and cut by that
mask before the next is decoded. Memory holds the window plus a column chunk per thread,
never a whole decoded row group (the issue's window: 1.3 GB peak through the dataset
scanner, well under a gigabyte this way; BENCHMARKS.md, End to end).
"""

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

Bounds = tuple[str, pa.Scalar, pa.Scalar]  # column, first instant in, first instant after


def expression(bounds: Bounds) -> pc.Expression:
    column, low, high = bounds
    return (pc.field(column) >= low) & (pc.field(column) < high)


def _mask(group: ds.Fragment, schema: pa.Schema, bounds: Bounds | None) -> pa.ChunkedArray | None:
    if bounds is None:
        return None
    column, low, high = bounds
    stamps = group.to_table(schema=schema, columns=[column]).column(0)
    inside: pa.ChunkedArray = pc.and_(pc.greater_equal(stamps, low), pc.less(stamps, high))
    return inside.fill_null(False)


def _reader(
    group: ds.Fragment, schema: pa.Schema, mask: pa.ChunkedArray | None
) -> Callable[[str], list[pa.Array]]:
    def read(name: str) -> list[pa.Array]:
        column = group.to_table(schema=schema, columns=[name], use_threads=False).column(0)
        kept: pa.ChunkedArray = column.filter(mask) if mask is not None else column
        return list(kept.chunks)

    return read


def read_table(dataset: ds.Dataset, columns: list[str], bounds: Bounds | None) -> pa.Table:
    schema = dataset.schema
    where = expression(bounds) if bounds is not None else None
    parts: dict[str, list[pa.Array]] = {name: [] for name in columns}
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:  # Arrow decodes without the GIL
        for fragment in dataset.get_fragments(filter=where):
            for group in fragment.split_by_row_group(where, schema=schema):  # statistics prune here
                mask = _mask(group, schema, bounds)
                if mask is not None and not pc.any(mask).as_py():
                    continue
                for name, chunks in zip(
                    columns, pool.map(_reader(group, schema, mask), columns), strict=True
                ):
                    parts[name].extend(chunks)
    arrays = [pa.chunked_array(parts[name], schema.field(name).type) for name in columns]
    return pa.Table.from_arrays(arrays, names=columns)

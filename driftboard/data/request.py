"""What a read asks for (columns, window, memory limit) and what it gives back."""

from dataclasses import dataclass

import pyarrow as pa

from driftboard.jobs.window import Window


@dataclass(frozen=True)
class Request:
    label: str  # "current data" or "reference data"
    wanted: frozenset[str] | None = None  # None: every column
    timestamp: str | None = None  # with `window`: cut on this column
    zone: str | None = None  # the spec's timestamp_timezone
    window: Window | None = None
    limit: int = 0  # bytes; 0: no limit


@dataclass(frozen=True)
class Read:
    table: pa.Table
    dtypes: dict[str, list[str]]  # pandas' dtype of every column of the source, read or not

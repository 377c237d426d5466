"""Cut the current window out of loaded data by its timestamp column, in UTC."""

import numpy as np
import pandas as pd
import pyarrow as pa

from driftboard.errors import DataError
from driftboard.jobs.window import Window


def to_utc(values: pd.Series, column: str, naive_zone: str | None, label: str) -> pd.Series:
    """Parse timestamps; naive ones need a declared zone rather than a silent guess."""
    parsed = _parsed(values, column, label)
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        return parsed.dt.tz_convert("UTC")
    if naive_zone is None:
        raise DataError(
            f"{label}: column {column!r} has timezone-naive timestamps; "
            "add the offset to the data or set timestamp_timezone in the spec"
        )
    return _localized(parsed, naive_zone).dt.tz_convert("UTC")


def _parsed(values: pd.Series, column: str, label: str) -> pd.Series:
    """Instants whatever their offsets: a zone with daylight saving writes +01:00 and +02:00
    in one file (or a database session in it returns both), which pandas parses only in UTC."""
    try:
        return pd.to_datetime(values, utc=False, format="ISO8601")
    except (ValueError, TypeError):
        pass
    try:
        return pd.to_datetime(values, utc=True, format="ISO8601")
    except (ValueError, TypeError) as exc:
        raise DataError(f"{label}: column {column!r} holds values that are not timestamps: {exc}") from None


def _localized(naive: pd.Series, zone: str) -> pd.Series:
    """Local wall-clock times in `zone`, every row kept. The skipped hour of a spring change
    does not exist: its times move to the first instant after the gap. The repeated hour of an
    autumn change happens twice: in time order the repetition is inferred, otherwise a time
    is read as its first occurrence."""
    try:
        return naive.dt.tz_localize(zone, ambiguous="infer", nonexistent="shift_forward")
    except ValueError:  # not in time order, or the repetition cannot be told apart
        first = np.ones(len(naive), dtype=bool)
        return naive.dt.tz_localize(zone, ambiguous=first, nonexistent="shift_forward")


def select_window(
    frame: pd.DataFrame, column: str, naive_zone: str | None, window: Window, label: str
) -> pd.DataFrame:
    """Rows with start <= timestamp < end; rows without a timestamp are dropped."""
    if column not in frame.columns:
        raise DataError(f"{label}: timestamp column {column!r} is missing")
    if frame.empty:  # nothing to parse: an empty file types its timestamp column as float
        return frame
    stamps = to_utc(frame[column], column, naive_zone, label)
    mask = (stamps >= window.start) & (stamps < window.end)
    return frame.loc[mask.fillna(False).to_numpy()].reset_index(drop=True)


def cut_table(table: pa.Table, column: str, naive_zone: str | None, window: Window, label: str) -> pa.Table:
    """The same cut on an Arrow table: its timestamp column parsed as above, the rows kept."""
    if column not in table.column_names:
        raise DataError(f"{label}: timestamp column {column!r} is missing")
    if table.num_rows == 0:
        return table
    stamps = to_utc(table.column(column).to_pandas(), column, naive_zone, label)
    mask = ((stamps >= window.start) & (stamps < window.end)).fillna(False).to_numpy(dtype=bool)
    return table if mask.all() else table.filter(pa.array(mask))  # a query bound to the window: no copy

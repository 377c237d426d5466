"""What `validate --data` checks in a source's first rows, each problem naming the spec's
file, line and field (driftboard.data.peek reads the rows)."""

from datetime import UTC, datetime

import pandas as pd

from driftboard.data import peek
from driftboard.errors import DataError
from driftboard.jobs.load import LoadedSpec, line_of
from driftboard.jobs.schedule import window_ending
from driftboard.jobs.spec import DataSource, JobSpec


def expected(spec: JobSpec, side: str) -> dict[str, str]:
    """Column → the spec field that declares it, for the reference or the current source."""
    c = spec.columns
    wanted = dict.fromkeys(c.numerical, "columns.numerical")
    wanted |= dict.fromkeys(c.categorical, "columns.categorical")
    if c.prediction:
        wanted[c.prediction.name] = "columns.prediction.name"
    if side == "current":
        wanted[spec.timestamp_column] = "timestamp_column"
    return wanted


def _not_numbers(values: pd.Series) -> object | None:
    """A sample value that is not a number, or None when all are (booleans count as numbers)."""
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return None
    present = values.dropna()
    bad = present[pd.to_numeric(present, errors="coerce").isna()]
    return bad.iloc[0] if len(bad) else None


def _not_a_time(values: pd.Series) -> object | None:
    if pd.api.types.is_datetime64_any_dtype(values):
        return None
    present = values.dropna()
    bad = present[pd.to_datetime(present, errors="coerce", utc=True, format="mixed").isna()]
    return bad.iloc[0] if len(bad) else None


def frame_problems(frame: pd.DataFrame, wanted: dict[str, str], spec: JobSpec) -> list[tuple[str, str]]:
    """(field, message) for each declared column that is missing or of an unusable type."""
    problems = []
    have = ", ".join(map(str, frame.columns[:20])) + (", ..." if len(frame.columns) > 20 else "")
    for name, field in wanted.items():
        if name not in frame.columns:
            problems.append((field, f"column {name!r} is not in the data (it has: {have})"))
        elif field in ("columns.numerical", "columns.prediction.name") and field_numeric(spec, field):
            sample = _not_numbers(frame[name])
            if sample is not None:
                problems.append((field, f"column {name!r} is declared numerical but holds {sample!r}"))
        elif field == "timestamp_column" and (sample := _not_a_time(frame[name])) is not None:
            problems.append((field, f"column {name!r} holds {sample!r}, which is not a time"))
    return problems


def field_numeric(spec: JobSpec, field: str) -> bool:
    prediction = spec.columns.prediction
    return field == "columns.numerical" or (prediction is not None and prediction.type == "numerical")


def check_spec(loaded: LoadedSpec, now: datetime | None = None) -> list[str]:
    """Every problem of the spec's sources as `file:line: field: message`."""
    spec, found = loaded.spec, list[tuple[tuple[str, ...], str]]()
    window = window_ending(spec, now or datetime.now(UTC))
    # A relative reference is cut from `current`, which is checked below.
    fixed = [("reference", spec.reference)] if isinstance(spec.reference, DataSource) else []
    for side, source in [*fixed, ("current", spec.current)]:
        if source.spark_sql is not None:
            continue  # only the spark engine reads it: its columns are checked when a run does
        kind = "sql" if source.sql is not None else "path"
        try:
            frame = peek.head(source, loaded.base_dir, window)
        except DataError as exc:
            found.append(((side, kind), str(exc)))
            continue
        problems = frame_problems(frame, expected(spec, side), spec)
        found += [(tuple(field.split(".")), message) for field, message in problems]
    return [_located(loaded, loc, message) for loc, message in found]


def _located(loaded: LoadedSpec, loc: tuple[str, ...], message: str) -> str:
    line = line_of(loaded.path, loc)
    where = f"{loaded.path}:{line}" if line else str(loaded.path)
    return f"{where}: {'.'.join(loc)}: {message}"

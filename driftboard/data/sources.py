"""Read a spec's reference and current data from files, object storage or SQL into Arrow,
with clear errors: only the columns asked for, and for a window only its rows.

PostgreSQL goes through ADBC (sqlread.py), straight into Arrow; other databases through
SQLAlchemy. A reference has an identity that changes when its data may have: its files'
paths, sizes and versions, or its query and bounds plus the current `reference.refresh`
period, so that an unchanged reference is neither re-read nor re-hashed.
"""

import hashlib
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
from sqlalchemy import text

from driftboard.data import dbquery, scan, sqlread
from driftboard.data.convert import frame_dtypes, from_pandas, pandas_dtypes
from driftboard.data.cut import cut_table
from driftboard.data.locate import Location, locate
from driftboard.data.request import Read, Request
from driftboard.errors import DataError
from driftboard.jobs.spec import DataSource, SqlSource
from driftboard.jobs.window import Window


def _bounds(source: SqlSource, window: Window | None) -> dict[str, datetime]:
    """The window bounds the query uses, as bound parameters, never string-formatted."""
    wanted = set(text(source.query).compile().params)
    bounds = {"window_start": window.start, "window_end": window.end} if window else {}
    missing = wanted - set(bounds)
    if missing:
        raise DataError(f"query uses unknown parameters: {', '.join(sorted(':' + m for m in missing))}")
    return {k: bounds[k] for k in wanted}


def read_sql(source: SqlSource, window: Window | None, limit: int = 0, label: str = "data") -> Read:
    bounds = _bounds(source, window)
    url = dbquery.parsed(source)
    if url.get_backend_name() == "postgresql":
        table = sqlread.read(url, source.query, bounds, source.statement_timeout, limit, label)
        return Read(table, pandas_dtypes(table.schema))
    frame = _sqlalchemy(source, bounds)
    return Read(from_pandas(frame), frame_dtypes(frame))


def _sqlalchemy(source: SqlSource, bounds: dict[str, datetime]) -> pd.DataFrame:
    return dbquery.fetch(source, bounds)


def load_sql(source: SqlSource, window: Window | None) -> pd.DataFrame:
    """The query's result as pandas (the window only binds its parameters)."""
    return read_sql(source, window).table.to_pandas()


def where(source: DataSource, base_dir: Path) -> Location | None:
    """The files of a file source (listed, not read); None for SQL."""
    return locate(source.path, base_dir) if source.path is not None else None


SPARK_ONLY = "spark_sql sources are read by the spark engine: set DRIFTBOARD_DRIFT_ENGINE=spark"


def read(source: DataSource, location: Location | None, request: Request) -> Read:
    if location is not None:
        return scan.read(location, request)
    if source.sql is None:
        raise DataError(f"{request.label}: {SPARK_ONLY}")
    found = read_sql(source.sql, request.window, request.limit, request.label)
    if request.window is None or request.timestamp is None:
        return found
    cut = cut_table(found.table, request.timestamp, request.zone, request.window, request.label)
    return Read(cut, found.dtypes)


DEFAULT_REFRESH = timedelta(days=1)


def identity(source: DataSource, location: Location | None, now: datetime) -> str:
    """Files: paths, sizes and versions. SQL: the database, query and bounds, and which
    `refresh` period `now` falls in (epoch-aligned), so the reference is re-read once a period."""
    if location is not None:
        return location.identity()
    if source.sql is None:
        raise DataError(SPARK_ONLY)
    url = dbquery.parsed(source.sql).render_as_string(hide_password=True)
    period = (source.refresh or DEFAULT_REFRESH).total_seconds()
    tick = int(now.timestamp() // period)
    text_key = f"driftboard-sql-1\0{url}\0{source.sql.query}\0{_bounds(source.sql, None)}\0{period}\0{tick}"
    return hashlib.sha256(text_key.encode()).hexdigest()


def load(source: DataSource, base_dir: Path, window: Window | None) -> pd.DataFrame:
    """Every column and row as pandas (window: the SQL query's bounds only; the caller cuts)."""
    found = read(source, where(source, base_dir), Request("data", window=window))
    return found.table.to_pandas()

"""Read a spec's reference and current data from files, object storage or SQL into Arrow,
with clear errors: only the columns asked for, and for a window only its rows.

PostgreSQL goes through ADBC (sqlread.py), straight into Arrow; other databases through
SQLAlchemy. A reference has an identity that changes when its data may have: its files'
paths, sizes and versions, or its query and bounds plus the current `reference.refresh`
period, so that an unchanged reference is neither re-read nor re-hashed.
"""

import hashlib
import os
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
from sqlalchemy import URL, Engine, create_engine, text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError

from driftboard.data import scan, sqlread
from driftboard.data.convert import frame_dtypes, from_pandas, pandas_dtypes
from driftboard.data.cut import cut_table
from driftboard.data.locate import Location, locate
from driftboard.data.request import Read, Request
from driftboard.dburl import BadUrl, parse_url
from driftboard.errors import DataError, SourceUnavailable, describe_db_error
from driftboard.jobs.durations import format_duration
from driftboard.jobs.spec import DataSource, SqlSource
from driftboard.jobs.window import Window


def resolve_url(source: SqlSource) -> str:
    if source.url is not None:
        return source.url
    assert source.url_env is not None
    url = os.environ.get(source.url_env)
    if not url:
        raise DataError(f"environment variable {source.url_env} (the source database URL) is not set")
    return url


def _bounds(source: SqlSource, window: Window | None) -> dict[str, datetime]:
    """The window bounds the query uses, as bound parameters, never string-formatted."""
    wanted = set(text(source.query).compile().params)
    bounds = {"window_start": window.start, "window_end": window.end} if window else {}
    missing = wanted - set(bounds)
    if missing:
        raise DataError(f"query uses unknown parameters: {', '.join(sorted(':' + m for m in missing))}")
    return {k: bounds[k] for k in wanted}


def _parsed(source: SqlSource) -> URL:
    try:
        return parse_url(resolve_url(source))
    except BadUrl as exc:
        where = f"in {source.url_env}" if source.url_env else "in the spec"
        raise DataError(f"source URL {where} is {exc}") from None


def read_sql(source: SqlSource, window: Window | None, limit: int = 0, label: str = "data") -> Read:
    bounds = _bounds(source, window)
    url = _parsed(source)
    if url.get_backend_name() == "postgresql":
        table = sqlread.read(url, source.query, bounds, source.statement_timeout, limit, label)
        return Read(table, pandas_dtypes(table.schema))
    frame = _sqlalchemy(source, bounds)
    return Read(from_pandas(frame), frame_dtypes(frame))


def _sqlalchemy(source: SqlSource, bounds: dict[str, datetime]) -> pd.DataFrame:
    """Other databases (SQLite): through SQLAlchemy's rows."""
    engine = _engine(source)
    try:
        with engine.connect() as conn:
            result = conn.execute(text(source.query), bounds)
            return pd.DataFrame.from_records(result.fetchall(), columns=list(result.keys()))
    except SQLAlchemyError as exc:
        raise _classify(exc, source) from None
    finally:
        engine.dispose()


def _engine(source: SqlSource) -> Engine:
    """PostgreSQL enforces the statement timeout itself (libpq passes `options` at connect),
    so a stuck query ends even if this process is busy; other databases get no timeout."""
    parsed = _parsed(source)
    args = {}
    if parsed.get_backend_name() == "postgresql":
        milliseconds = int(source.statement_timeout.total_seconds() * 1000)
        args["options"] = f"-c statement_timeout={milliseconds}"
    return create_engine(parsed, pool_pre_ping=True, connect_args=args)


def _timed_out(exc: SQLAlchemyError) -> bool:
    # 57014 is also an administrator's pg_cancel_backend: only the timeout names the setting.
    if not isinstance(exc, DBAPIError):
        return False
    return getattr(exc.orig, "pgcode", None) == "57014" and "statement timeout" in str(exc.orig)


# What libpq says when the server answered and refused the credentials, role or database;
# libpq gives no SQLSTATE at connect time, so its words are all there is to tell them apart
# from a server that is down or unreachable.
LOGIN_REFUSED = (
    "authentication failed",
    "no pg_hba.conf entry",
    "no password supplied",
    "does not exist",  # role "x" / database "x" does not exist
)


def _login_refused(reason: str) -> bool:
    return any(words in reason for words in LOGIN_REFUSED)


def _classify(exc: SQLAlchemyError, source: SqlSource) -> DataError:
    """Lost or refused connections are worth retrying; a bad query or table is not.

    SQLite reports both a missing table and a locked file as OperationalError, so the
    class alone cannot tell: SQLAlchemy's disconnect detection and the connect phase can.
    """
    reason = describe_db_error(exc)
    if _timed_out(exc):  # permanent: the same query on the same window would time out again
        limit = format_duration(source.statement_timeout)
        return DataError(f"source query exceeded sql.statement_timeout ({limit}): {reason}")
    connecting = isinstance(exc, OperationalError | InterfaceError) and exc.statement is None
    if connecting and _login_refused(reason):  # configuration: the next attempt is refused too
        return DataError(f"source database refused the login: {reason}")
    if connecting or getattr(exc, "connection_invalidated", False):
        return SourceUnavailable(f"source database unavailable: {reason}")
    return DataError(f"source query failed: {reason}")


def where(source: DataSource, base_dir: Path) -> Location | None:
    """The files of a file source (listed, not read); None for SQL."""
    return locate(source.path, base_dir) if source.path is not None else None


def read(source: DataSource, location: Location | None, request: Request) -> Read:
    if location is not None:
        return scan.read(location, request)
    assert source.sql is not None
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
    assert source.sql is not None
    url = _parsed(source.sql).render_as_string(hide_password=True)
    period = (source.refresh or DEFAULT_REFRESH).total_seconds()
    tick = int(now.timestamp() // period)
    text_key = f"driftboard-sql-1\0{url}\0{source.sql.query}\0{_bounds(source.sql, None)}\0{period}\0{tick}"
    return hashlib.sha256(text_key.encode()).hexdigest()


def load(source: DataSource, base_dir: Path, window: Window | None) -> pd.DataFrame:
    """Every column and row as pandas (window: the SQL query's bounds only; the caller cuts)."""
    found = read(source, where(source, base_dir), Request("data", window=window))
    return found.table.to_pandas()

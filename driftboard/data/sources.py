"""Load a spec's reference and current data from files or SQL, with clear errors."""

import glob
import os
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError

from driftboard.dburl import BadUrl, engine_url
from driftboard.errors import DataError, SourceUnavailable, describe_db_error
from driftboard.jobs.durations import format_duration
from driftboard.jobs.spec import DataSource, SqlSource
from driftboard.jobs.window import Window


def _read_file(path: Path) -> pd.DataFrame:
    suffixes = "".join(path.suffixes).lower()
    try:
        if ".parquet" in suffixes or suffixes.endswith(".pq"):
            return pd.read_parquet(path)
        if ".csv" in suffixes:
            return pd.read_csv(path, low_memory=False)
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not valid UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: cannot read: {exc}") from None
    raise DataError(f"{path}: unsupported file type; use .csv, .csv.gz or .parquet")


def load_files(pattern: str, base_dir: Path) -> pd.DataFrame:
    full = pattern if Path(pattern).is_absolute() else str(base_dir / pattern)
    paths = sorted(Path(p) for p in glob.glob(full, recursive=True))
    if not paths:
        raise DataError(f"{full}: no such file")
    frames = [_read_file(p) for p in paths]
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def resolve_url(source: SqlSource) -> str:
    if source.url is not None:
        return source.url
    assert source.url_env is not None
    url = os.environ.get(source.url_env)
    if not url:
        raise DataError(f"environment variable {source.url_env} (the source database URL) is not set")
    return url


def load_sql(source: SqlSource, window: Window | None) -> pd.DataFrame:
    """Run the query with the window bounds as bound parameters, never string-formatted."""
    query = text(source.query)
    wanted = set(query.compile().params)
    bounds = {"window_start": window.start, "window_end": window.end} if window else {}
    missing = wanted - set(bounds)
    if missing:
        raise DataError(f"query uses unknown parameters: {', '.join(sorted(':' + m for m in missing))}")
    engine = _engine(source)
    try:
        with engine.connect() as conn:
            result = conn.execute(query, {k: bounds[k] for k in wanted})
            return pd.DataFrame.from_records(result.fetchall(), columns=list(result.keys()))
    except SQLAlchemyError as exc:
        raise _classify(exc, source) from None
    finally:
        engine.dispose()


def _engine(source: SqlSource) -> Engine:
    """PostgreSQL enforces the statement timeout itself (libpq passes `options` at connect),
    so a stuck query ends even if this process is busy; other databases get no timeout."""
    url = resolve_url(source)
    try:
        parsed = engine_url(url)  # postgres:// and postgresql:// → the installed driver
    except BadUrl as exc:
        where = f"in {source.url_env}" if source.url_env else "in the spec"
        raise DataError(f"source URL {where} {exc}") from None
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


def load(source: DataSource, base_dir: Path, window: Window | None) -> pd.DataFrame:
    if source.path is not None:
        return load_files(source.path, base_dir)
    assert source.sql is not None
    return load_sql(source.sql, window)

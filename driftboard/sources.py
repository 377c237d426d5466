"""Load a spec's reference and current data from files or SQL, with clear errors."""

import glob
import os
from pathlib import Path

import pandas as pd
from sqlalchemy import create_engine, text
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError

from driftboard.errors import DataError, SourceUnavailable, describe_db_error
from driftboard.schedule import Window
from driftboard.spec import DataSource, SqlSource


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
    engine = create_engine(resolve_url(source), pool_pre_ping=True)
    try:
        with engine.connect() as conn:
            result = conn.execute(query, {k: bounds[k] for k in wanted})
            return pd.DataFrame.from_records(result.fetchall(), columns=list(result.keys()))
    except SQLAlchemyError as exc:
        raise _classify(exc) from None
    finally:
        engine.dispose()


def _classify(exc: SQLAlchemyError) -> DataError:
    """Lost or refused connections are worth retrying; a bad query or table is not.

    SQLite reports both a missing table and a locked file as OperationalError, so the
    class alone cannot tell: SQLAlchemy's disconnect detection and the connect phase can.
    """
    reason = describe_db_error(exc)
    connecting = isinstance(exc, OperationalError | InterfaceError) and exc.statement is None
    if connecting or getattr(exc, "connection_invalidated", False):
        return SourceUnavailable(f"source database unavailable: {reason}")
    return DataError(f"source query failed: {reason}")


def load(source: DataSource, base_dir: Path, window: Window | None) -> pd.DataFrame:
    if source.path is not None:
        return load_files(source.path, base_dir)
    assert source.sql is not None
    return load_sql(source.sql, window)

"""`driftboard validate --data`: open each source of a spec cheaply (a file's schema or first
rows, a query's first rows) and check what a run will need: the declared columns, numbers
where numbers are declared, and a timestamp column that holds times.

Paths with a scheme (s3://, gs://, file://, ...) are opened as URIs through pyarrow's
filesystems, never joined to the spec's folder.
"""

import glob
import re
from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds
import pyarrow.fs as pafs
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from driftboard.data import dbquery
from driftboard.data.locate import SUPPORTED
from driftboard.errors import DataError, describe_db_error
from driftboard.jobs.spec import DataSource, SqlSource
from driftboard.jobs.window import Window

ROWS = 200  # rows read per source: enough to judge types, cheap on any size of data
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def has_scheme(path: str) -> bool:
    return bool(SCHEME.match(path))


def _head_file(path: str, filesystem: pafs.FileSystem | None) -> pd.DataFrame:
    suffixes = "".join(Path(path).suffixes).lower()
    fmt = (
        "parquet"
        if ".parquet" in suffixes or suffixes.endswith(".pq")
        else "csv"
        if ".csv" in suffixes
        else None
    )
    if fmt is None:
        raise DataError(f"{path}: unsupported file type; {SUPPORTED}")
    try:  # a dataset reads the schema and the first batches only, local or remote alike
        return ds.dataset(path, format=fmt, filesystem=filesystem).head(ROWS).to_pandas()
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: cannot read: {str(exc).splitlines()[0]}") from None


def _head_uri(uri: str) -> pd.DataFrame:
    try:
        filesystem, path = pafs.FileSystem.from_uri(uri)
        info = filesystem.get_file_info(path)
    except (OSError, ValueError) as exc:
        raise DataError(f"{uri}: cannot open: {str(exc).splitlines()[0]}") from None
    if info.type == pafs.FileType.NotFound:
        raise DataError(f"{uri}: no such file")
    return _head_file(path, filesystem)


def _head_files(pattern: str, base_dir: Path) -> pd.DataFrame:
    full = pattern if Path(pattern).is_absolute() else str(base_dir / pattern)
    paths = sorted(glob.glob(full, recursive=True))
    if not paths:
        raise DataError(f"{full}: no such file")
    return _head_file(paths[0], None)


def _head_sql(source: SqlSource, window: Window) -> pd.DataFrame:
    engine = create_engine(dbquery.parsed(source))  # one line naming a bad URL or missing driver
    query = text(f"SELECT * FROM ({source.query}) AS driftboard_peek LIMIT {ROWS}")
    bounds = {"window_start": window.start, "window_end": window.end}
    try:
        with engine.connect() as conn:
            result = conn.execute(query, {k: v for k, v in bounds.items() if f":{k}" in source.query})
            return pd.DataFrame.from_records(result.fetchall(), columns=list(result.keys()))
    except SQLAlchemyError as exc:
        raise DataError(f"query failed: {describe_db_error(exc)}") from None
    finally:
        engine.dispose()


def head(source: DataSource, base_dir: Path, window: Window) -> pd.DataFrame:
    """The source's first rows (for SQL, of the window `window`)."""
    if source.sql is not None:
        return _head_sql(source.sql, window)
    assert source.path is not None
    return _head_uri(source.path) if has_scheme(source.path) else _head_files(source.path, base_dir)

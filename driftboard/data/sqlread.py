"""PostgreSQL sources straight into Arrow through ADBC's PostgreSQL driver: libpq's binary
results become Arrow batches in C, so no row ever becomes a Python tuple.

The query runs behind a server-side cursor, fetched BATCH_ROWS rows at a time: with bound
parameters (the window's bounds) ADBC cannot use COPY, and a plain execution would hold the
whole result in libpq before the first batch. The batches are counted as they arrive: a
result larger than the memory limit stops the read there, before it is loaded whole.

Errors keep libpq's own words, classified as the SQLAlchemy path classifies them (dbquery.py):
a refused login or a bad query is permanent, a server that cannot be reached is worth retrying.
"""

import re
from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pyarrow as pa
from sqlalchemy import URL, text
from sqlalchemy.dialects import postgresql

from driftboard.data.dbquery import login_refused, pg_link
from driftboard.data.size import human
from driftboard.errors import DataError, SourceUnavailable
from driftboard.jobs.durations import format_duration


def libpq_uri(url: URL, timeout: timedelta) -> str:
    """libpq's own URI for the SQLAlchemy URL; the statement timeout as the session's option."""
    milliseconds = int(timeout.total_seconds() * 1000)
    query = pg_link(url) | {k: v for k, v in url.query.items() if k != "options"}
    base = url.set(drivername="postgresql", query=query).render_as_string(hide_password=False)
    option = quote(f"-c statement_timeout={milliseconds}", safe="")  # libpq reads %20, not +
    return f"{base}{'&' if query else '?'}options={option}"


def positional(query: str) -> tuple[str, list[str]]:
    """`:name` parameters as PostgreSQL's `$1`, `$2`, and the names in that order."""
    dialect = postgresql.dialect(paramstyle="numeric_dollar")  # type: ignore[no-untyped-call]
    compiled = text(query).compile(dialect=dialect)
    return str(compiled), list(compiled.positiontup or [])


def read(
    url: URL, query: str, bounds: Mapping[str, Any], timeout: timedelta, limit: int, label: str
) -> pa.Table:
    import adbc_driver_manager
    import adbc_driver_postgresql.dbapi as adbc

    sql, names = positional(query.strip().rstrip(";"))
    try:
        with adbc.connect(libpq_uri(url, timeout)) as conn, conn.cursor() as cur:
            cur.execute(
                f"DECLARE {CURSOR} NO SCROLL CURSOR FOR {sql}",
                parameters=tuple(bounds[n] for n in names) or None,
            )
            cur.adbc_statement.set_options(**{"adbc.postgresql.use_copy": "false"})  # FETCH cannot COPY
            return _gather(_fetched(cur), limit, label)
    except adbc_driver_manager.Error as exc:
        raise classify(exc, timeout) from None


CURSOR = "driftboard_source"
BATCH_ROWS = 65_536


def _fetched(cur: Any) -> Iterator[pa.Table]:
    """Batches until the cursor is drained; the first one even if empty (it has the schema)."""
    while True:
        cur.execute(f"FETCH FORWARD {BATCH_ROWS} FROM {CURSOR}")
        found: pa.Table = cur.fetch_arrow_table()
        yield found
        if found.num_rows < BATCH_ROWS:
            return


def _gather(batches: Iterator[pa.Table], limit: int, label: str) -> pa.Table:
    kept: list[pa.Table] = []
    rows = size = 0
    for batch in batches:
        rows, size = rows + batch.num_rows, size + batch.nbytes
        if limit and size > limit:
            raise DataError(
                f"{label}: the query's result passed DRIFTBOARD_MAX_WINDOW_BYTES ({human(limit)}) after "
                f"{rows:,} rows; the read was stopped there"
            )
        kept.append(batch)
    return _plain(pa.concat_tables(kept))


def _plain(table: pa.Table) -> pa.Table:
    """Types Arrow has no name for arrive as opaque extensions over text: `numeric` becomes
    float64 (as psycopg2's Decimal became a float), anything else (uuid, json) its text."""
    columns = []
    for field, column in zip(table.schema, table.columns, strict=True):
        if isinstance(field.type, pa.BaseExtensionType):
            column = pa.chunked_array([c.storage for c in column.chunks], field.type.storage_type)
            if field.metadata and field.metadata.get(b"POSTGRESQL:type") == b"numeric":
                column = column.cast(pa.float64())
        columns.append(column)
    return pa.Table.from_arrays(columns, names=table.column_names)


def _words(message: str) -> str:
    """libpq's message without ADBC's prefix: the connect failure, the server's ERROR or FATAL
    text, or what libpq said of the query (a connection lost mid-way)."""
    for marker in ("Failed to connect: ", "ERROR:  ", "FATAL:  "):
        if marker in message:
            return message.split(marker, 1)[1].splitlines()[0].strip()
    if found := re.search(r"Failed to (?:execute|prepare) query '.*?': (.*)", message, re.DOTALL):
        return found[1].splitlines()[0].strip()
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    return lines[0] if lines else "unknown error"


def classify(exc: Exception, timeout: timedelta) -> DataError:
    message, state = str(exc), getattr(exc, "sqlstate", None) or ""
    reason = _words(message)
    if state == "57014" and "statement timeout" in message:
        return DataError(
            f"source query exceeded sql.statement_timeout ({format_duration(timeout)}): {reason}"
        )
    if "Failed to connect" in message:
        if login_refused(reason):
            return DataError(f"source database refused the login: {reason}")
        return SourceUnavailable(f"source database unavailable: {reason}")
    if (
        state.startswith("08")
        or state in ("57P01", "57P02", "57P03")
        or "server closed the connection" in message
    ):
        return SourceUnavailable(f"source database unavailable: {reason}")
    return DataError(f"source query failed: {reason}")

"""SQL sources through SQLAlchemy (databases other than PostgreSQL, which sqlread.py reads
through ADBC), with the errors classified: a refused login or a bad query is permanent, a
server that cannot be reached is worth retrying."""

import os
from datetime import datetime

import pandas as pd
from sqlalchemy import URL, Engine, create_engine, text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError

from driftboard.dburl import BadUrl, engine_url
from driftboard.errors import DataError, SourceUnavailable, describe_db_error
from driftboard.jobs.durations import format_duration
from driftboard.jobs.spec import SqlSource


def resolve_url(source: SqlSource) -> str:
    if source.url is not None:
        return source.url
    assert source.url_env is not None
    url = os.environ.get(source.url_env)
    if not url:
        raise DataError(f"environment variable {source.url_env} (the source database URL) is not set")
    return url


def parsed(source: SqlSource) -> URL:
    """postgres:// and postgresql:// → the installed driver; a missing driver is one line."""
    try:
        return engine_url(resolve_url(source))
    except BadUrl as exc:
        where = f"in {source.url_env}" if source.url_env else "in the spec"
        raise DataError(f"source URL {where} {exc}") from None


def fetch(source: SqlSource, bounds: dict[str, datetime]) -> pd.DataFrame:
    """The query's rows, through SQLAlchemy."""
    engine = _engine(source)
    try:
        with engine.connect() as conn:
            result = conn.execute(text(source.query), bounds)
            return pd.DataFrame.from_records(result.fetchall(), columns=list(result.keys()))
    except SQLAlchemyError as exc:
        raise _classify(exc, source) from None
    finally:
        engine.dispose()


# libpq waits forever on a server that takes the connection and never answers, and on a peer
# that dies mid-query: these bound the whole connect handshake and find a dead peer within a
# minute (TCP keepalives). A URL that sets one of them wins.
PG_LINK = {
    "connect_timeout": "10",
    "keepalives_idle": "30",
    "keepalives_interval": "10",
    "keepalives_count": "3",
}


def pg_link(url: URL) -> dict[str, str]:
    return {key: value for key, value in PG_LINK.items() if key not in url.query}


def _engine(source: SqlSource) -> Engine:
    """PostgreSQL enforces the statement timeout itself (libpq passes `options` at connect),
    so a stuck query ends even if this process is busy; other databases get no timeout."""
    url = parsed(source)
    args: dict[str, str] = {}
    if url.get_backend_name() == "postgresql":
        args |= pg_link(url)
        milliseconds = int(source.statement_timeout.total_seconds() * 1000)
        args["options"] = f"-c statement_timeout={milliseconds}"
    return create_engine(url, pool_pre_ping=True, connect_args=args)


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


def login_refused(reason: str) -> bool:
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
    if connecting and login_refused(reason):  # configuration: the next attempt is refused too
        return DataError(f"source database refused the login: {reason}")
    if connecting or getattr(exc, "connection_invalidated", False):
        return SourceUnavailable(f"source database unavailable: {reason}")
    return DataError(f"source query failed: {reason}")

"""Connecting to the results store: engines, and the checks a command makes before any work."""

import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from driftboard.dburl import BadUrl, engine_url
from driftboard.errors import StoreError, describe_db_error
from driftboard.settings import Settings
from driftboard.store import schema

SQLITE_BUSY_SECONDS = 30  # a writer waits this long for another (a migration, a big save)


def make_engine(url: str) -> Engine:
    parsed = engine_url(url)  # postgres:// and postgresql:// → the installed driver
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    # sqlite3's default of 5 s was too short for a first run's migration under load, and the
    # other process then failed with "database is locked".
    engine = create_engine(parsed, pool_pre_ping=True, connect_args={"timeout": SQLITE_BUSY_SECONDS})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys so ON DELETE CASCADE holds; WAL so readers don't block the writer.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def settings_engine(settings: Settings) -> Engine:
    """The store's engine from DRIFTBOARD_DATABASE_URL; a malformed URL is a StoreError."""
    try:
        return make_engine(settings.database_url.get_secret_value())
    except BadUrl as exc:
        raise StoreError(f"DRIFTBOARD_DATABASE_URL {exc}") from None


def open_store(settings: Settings) -> Engine:
    """Connect and check the schema before any work, so a run never computes for nothing."""
    engine = settings_engine(settings)
    try:
        schema.ensure_schema(engine)
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot reach the results database: {reason(exc, settings)}") from None
    except schema.SchemaNotCurrent as exc:
        raise StoreError(str(exc)) from None
    return engine


def reason(exc: SQLAlchemyError, settings: Settings) -> str:
    """The driver's words, and which filesystem is full when SQLite only says "disk I/O error"."""
    return describe_db_error(exc) + full_disk_hint(settings.database_url.get_secret_value())


def full_disk_hint(url: str) -> str:
    """SQLite reports a full disk as a vague "disk I/O error": say which filesystem is full."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return ""
    folder = Path(parsed.database).resolve().parent
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return ""
    return f" (the filesystem of {folder} is full: {free} bytes free)" if free < 1024 * 1024 else ""


class Probe:
    """Whether the store answers, asked afresh each time (the scheduler's /healthz).

    A new connection per check (no pool): a pooled one could hide a store that is gone, and a
    short connect timeout keeps a probe from hanging on an unresponsive host.
    """

    def __init__(self, url: str) -> None:
        parsed = engine_url(url)
        timeout = {"connect_timeout": 3} if parsed.get_backend_name() == "postgresql" else {}
        self.engine = create_engine(parsed, poolclass=NullPool, connect_args=timeout)

    def check(self) -> str:
        """ "ok", or the driver's reason (never the URL)."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            return describe_db_error(exc)
        return "ok"

    def close(self) -> None:
        self.engine.dispose()

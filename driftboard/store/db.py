"""Connections to the results store and its schema, managed only through Alembic."""

import shutil
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError


class SchemaNotCurrent(RuntimeError):
    """The database is behind the code's migrations."""


class BadUrl(ValueError):
    """A database URL that does not parse. The message never repeats the URL or the parser's
    words: `driver://user:secret/db` (no host) makes SQLAlchemy say "invalid literal for
    int() with base 10: 'secret'", the password read as a port."""


URL_FORM = "not a valid SQLAlchemy URL (the form is dialect+driver://user:password@host:port/database)"


def parse_url(url: str) -> URL:
    try:
        return make_url(url)
    except (ArgumentError, ValueError):
        raise BadUrl(URL_FORM) from None


def make_engine(url: str) -> Engine:
    parsed = parse_url(url)
    engine = create_engine(parsed, pool_pre_ping=True)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


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


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys so ON DELETE CASCADE holds; WAL so readers don't block the writer.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def migrations_dir() -> Path:
    """The repo's migrations/ in a source checkout, the packaged copy in a wheel."""
    package = Path(__file__).resolve().parents[1]  # driftboard/
    for candidate in (package.parent / "migrations", package / "_migrations"):
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError("driftboard's migrations are missing from this installation")


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["engine"] = engine
    return config


def _run(engine: Engine, fn: Any, *args: Any) -> None:
    config = alembic_config(engine)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        fn(config, *args)


def upgrade(engine: Engine, revision: str = "head") -> None:
    _run(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str) -> None:
    _run(engine, command.downgrade, revision)


def check(engine: Engine) -> None:
    """Raise when the models and the migrations disagree (alembic's own `check`)."""
    _run(engine, command.check)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def ensure_schema(engine: Engine) -> None:
    """The embedded SQLite store upgrades itself; a shared server must be upgraded on purpose."""
    if current_revision(engine) == head_revision(engine):
        return
    if engine.dialect.name == "sqlite":
        upgrade(engine)
        return
    raise SchemaNotCurrent(
        f"database schema is at {current_revision(engine) or 'nothing'}, code needs "
        f"{head_revision(engine)}: run `driftboard db upgrade`"
    )

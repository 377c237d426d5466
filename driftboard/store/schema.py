"""The store's schema, managed only through Alembic's migrations (migrations/).

Alembic is imported only to migrate or to explain a schema that is not current: every
command's check of a current schema reads the version row and the scripts' ids (store/heads.py).
"""

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from driftboard.errors import StoreError, describe_db_error
from driftboard.store import heads

if TYPE_CHECKING:
    from alembic.config import Config


class SchemaNotCurrent(RuntimeError):
    """The database is behind the code's migrations."""


class BadRevision(ValueError):
    """`db upgrade|downgrade` was given a revision the migrations do not have."""


def migrations_dir() -> Path:
    """The repo's migrations/ in a source checkout, the packaged copy in a wheel."""
    package = Path(__file__).resolve().parents[1]  # driftboard/
    for candidate in (package.parent / "migrations", package / "_migrations"):
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError("driftboard's migrations are missing from this installation")


def alembic_config(engine: Engine) -> "Config":
    from alembic.config import Config

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
    from alembic import command

    _run(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    _run(engine, command.downgrade, revision)


def check(engine: Engine) -> None:
    """Raise when the models and the migrations disagree (alembic's own `check`)."""
    from alembic import command

    _run(engine, command.check)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def is_current(engine: Engine) -> bool:
    """The database is at the scripts' head, known without Alembic when that is certain."""
    head = heads.head(migrations_dir() / "versions")
    if head is not None:
        with engine.connect() as conn:
            if heads.stamped(conn) == head:
                return True
    return current_revision(engine) == head_revision(engine)


def ensure_schema(engine: Engine) -> None:
    """The embedded SQLite store upgrades itself; a shared server must be upgraded on purpose."""
    if is_current(engine):
        return
    if engine.dialect.name == "sqlite":
        with _sqlite_migration_lock(engine):  # two first runs at once must not both create tables
            if current_revision(engine) != head_revision(engine):
                upgrade(engine)
        return
    raise SchemaNotCurrent(
        f"database schema is at {current_revision(engine) or 'nothing'}, code needs "
        f"{head_revision(engine)}: run `driftboard db upgrade`"
    )


@contextmanager
def _sqlite_migration_lock(engine: Engine) -> Iterator[None]:
    """An exclusive lock on a file beside the database, held while one process migrates it."""
    database = engine.url.database
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate-lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file closes, or the process dies
        yield


def migrate(engine: Engine, direction: str, revision: str) -> str:
    """`driftboard db upgrade|downgrade`: where the schema stands afterwards."""
    from alembic.util.exc import CommandError

    try:
        (upgrade if direction == "upgrade" else downgrade)(engine, revision)
        return f"database at revision {current_revision(engine) or 'base (empty)'}"
    except CommandError as exc:  # an unknown or ambiguous revision: the argument is wrong
        raise BadRevision(f"revision {revision!r}: {exc}") from None
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot migrate the results database: {describe_db_error(exc)}") from None

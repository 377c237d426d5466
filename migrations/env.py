"""Alembic environment: the URL comes from driftboard's settings, never from a file."""

from alembic import context
from sqlalchemy import Connection

from driftboard.db import make_engine
from driftboard.models import Base
from driftboard.settings import get_settings

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        # Batch mode rebuilds a table under a temporary name and renames it back; SQLite
        # ≥ 3.26 refuses that rename while a view (0005's SLA views) names the table.
        connection.exec_driver_sql("PRAGMA legacy_alter_table=ON")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    # `driftboard db` passes its own connection; the plain `alembic` CLI uses the settings.
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(get_settings().database_url.get_secret_value())
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline SQL generation is not supported; run against a database")
run_migrations_online()

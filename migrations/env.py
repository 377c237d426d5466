"""Alembic environment: the URL comes from driftboard's settings, never from a file."""

import re
from typing import Any

from alembic import context
from sqlalchemy import Connection

from driftboard.settings import get_settings
from driftboard.store.connect import make_engine
from driftboard.store.models import Base

target_metadata = Base.metadata

# Migration 0006 partitions feature_results by month on PostgreSQL. Its partitions are tables
# made at run time (driftboard/store/partitions.py), not models; and a partitioned table's unique
# keys must include the partition key, so there its unique key is (run_id, feature,
# window_end) where the models (shared with SQLite) say (run_id, feature): the same rule,
# since a run has one window_end. Autogenerate would otherwise ask to drop both.
PARTITION = re.compile(r"feature_results_(p\d{6}|default)")


def include_name(name: str | None, type_: str, parents: dict[str, Any]) -> bool:
    return not (type_ == "table" and name is not None and PARTITION.fullmatch(name))


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    partitioned = type_ == "unique_constraint" and obj.table.name == "feature_results"
    return not (partitioned and context.get_bind().dialect.name == "postgresql")


def _run(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        # Batch mode rebuilds a table under a temporary name and renames it back; SQLite
        # ≥ 3.26 refuses that rename while a view (0005's SLA views) names the table.
        connection.exec_driver_sql("PRAGMA legacy_alter_table=ON")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        include_name=include_name,
        include_object=include_object,
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

"""Throwaway PostgreSQL databases and migrated stores for the tests.

PostgreSQL must be up on 127.0.0.1:5432 (override with DRIFTBOARD_TEST_PG); a missing
server fails the tests, it never skips them.
"""

import os
import uuid
from collections.abc import Callable

from sqlalchemy import Engine, create_engine, text

from driftboard.store import connect, schema

PG_ADMIN_URL = os.environ.get("DRIFTBOARD_TEST_PG", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")


def _admin() -> Engine:
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


def create_pg_database(prefix: str = "driftboard_test") -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = _admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_pg_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = _admin()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def migrated(url: str, seed: Callable[[Engine], None] | None = None) -> str:
    """The store at `url` migrated to head, and filled by `seed` when given."""
    engine = connect.make_engine(url)
    schema.upgrade(engine)
    if seed is not None:
        seed(engine)
    engine.dispose()
    return url

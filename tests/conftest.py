"""Shared fixtures: a throwaway PostgreSQL database per test session, and SQLite per test.

PostgreSQL must be up on 127.0.0.1:5432 (override with DRIFTBOARD_TEST_PG); a missing
server fails the tests, it never skips them.
"""

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from driftboard.store import db

pytest_plugins = ["tests.conftest_stack"]

PG_ADMIN_URL = os.environ.get("DRIFTBOARD_TEST_PG", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
REPO = Path(__file__).resolve().parent.parent


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
    engine = db.make_engine(url)
    db.upgrade(engine)
    if seed is not None:
        seed(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A migrated PostgreSQL database for the whole session, dropped at the end."""
    url = migrated(create_pg_database())
    yield url
    drop_pg_database(url)


@pytest.fixture
def fresh_pg_url() -> Iterator[str]:
    """An empty PostgreSQL database for one test (migrations not applied)."""
    url = create_pg_database()
    yield url
    drop_pg_database(url)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'driftboard.store.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty store on each backend."""
    if request.param == "sqlite":
        yield migrated(f"sqlite:///{tmp_path / 'driftboard.store.db'}")
        return
    url = migrated(create_pg_database())
    yield url
    drop_pg_database(url)


@pytest.fixture
def fresh_store(pg_url: str) -> str:
    """The session's PostgreSQL store, emptied before the test so counts start at zero."""
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE runs, feature_results"))
    engine.dispose()
    return pg_url

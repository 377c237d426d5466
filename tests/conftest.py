"""Shared fixtures: a throwaway PostgreSQL database per test session, and SQLite per test.

Helpers live in tests/support/ and are imported from there, one way: `from tests.support.X
import ...`. The fixture plugins below are registered once, here, for the whole suite.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.support.databases import create_pg_database, drop_pg_database, migrated

pytest_plugins = [
    "tests.support.stack_plugin",
    "tests.support.dashboard_fixtures",
    "tests.support.sla_fixtures",
]


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
    return f"sqlite:///{tmp_path / 'driftboard.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty store on each backend."""
    if request.param == "sqlite":
        yield migrated(f"sqlite:///{tmp_path / 'driftboard.db'}")
        return
    url = migrated(create_pg_database())
    yield url
    drop_pg_database(url)


@pytest.fixture
def fresh_store(pg_url: str) -> str:
    """The session's PostgreSQL store, emptied before the test so counts start at zero."""
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        # Every table a run or a refresh writes: the session shares one database, in any order.
        tables = "runs, feature_results, feature_daily, monitored_models, performance_results"
        conn.execute(text(f"TRUNCATE {tables}"))
    engine.dispose()
    return pg_url

"""Shared fixtures: a throwaway PostgreSQL database per test session, and SQLite per test.

Helpers live in tests/support/ and are imported from there, one way: `from tests.support.X
import ...`. The fixture plugins below are registered once, here, for the whole suite.

Markers (registered in pyproject.toml; `make test-fast` deselects slow, prometheus_stack and
chromium, CI deselects nothing):
- Automatic, from the fixtures a test uses, directly or through other fixtures
  (pytest_collection_modifyitems below): `alerting_stack` → prometheus_stack; `pg_url`,
  `fresh_pg_url`, `fresh_store`, `seeded_pg_url`, `sla_pg_url`, and the `postgresql`
  parameter of `store_url` or `sla_engine` → postgres; `fresh_pg_url` and
  `store_url[postgresql]` → slow too, as each creates and migrates a database for the one test
  (about a second each: some 30 s of the fast run before they were marked); `spark` → spark.
- Explicit, in the test module (`pytestmark = ...`) or on the test: everything else, i.e.
  slow (starts scheduler, demo or CLI processes, or takes seconds), chromium, prometheus_stack
  for promtool/amtool or a Pushgateway of the test's own, and postgres for a database or
  server that a module's own fixture or the test creates.
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
    "tests.support.spark_plugin",
]

STACK_FIXTURES = {"alerting_stack"}
SPARK_FIXTURES = {"spark", "spark_connect"}  # the session's local Spark: a JVM started once
POSTGRES_FIXTURES = {"pg_url", "fresh_pg_url", "fresh_store", "seeded_pg_url", "sla_pg_url"}
POSTGRES_PARAMS = {"store_url": "postgresql", "sla_engine": "postgresql"}  # fixture → param
# A PostgreSQL database created (and migrated) for each test: ~1 s per test.
SLOW_FIXTURES = {"fresh_pg_url"}
SLOW_PARAMS = {"store_url": "postgresql"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test from the fixtures it uses (the rule is in this module's docstring)."""
    for item in items:
        used = set(getattr(item, "fixturenames", ()))  # the whole closure
        callspec = getattr(item, "callspec", None)
        params = callspec.params if callspec else {}
        if used & STACK_FIXTURES:
            item.add_marker(pytest.mark.prometheus_stack)
        if used & SPARK_FIXTURES:
            item.add_marker(pytest.mark.spark)
        if used & POSTGRES_FIXTURES or any(params.get(f) == p for f, p in POSTGRES_PARAMS.items()):
            item.add_marker(pytest.mark.postgres)
        if used & SLOW_FIXTURES or any(params.get(f) == p for f, p in SLOW_PARAMS.items()):
            item.add_marker(pytest.mark.slow)


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

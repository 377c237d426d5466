"""Fixtures of the dashboard tests: the seeded store, and Grafana's view of it.

A pytest plugin, registered in tests/conftest.py: one seeded database for the whole session.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url

from driftboard.dashboards import inventory
from driftboard.store import grafana_role
from tests.support.dashboard_history import seed
from tests.support.dashboard_support import GENERATED, PASSWORD
from tests.support.databases import create_pg_database, drop_pg_database, migrated

TIMEOUTS = "-c statement_timeout=20000 -c lock_timeout=3000"


@pytest.fixture(scope="session")
def seeded_pg_url() -> Iterator[str]:
    """A migrated store holding dashboard_history; tests only read it."""
    url = migrated(create_pg_database("driftboard_dash"), seed)
    yield url
    drop_pg_database(url)


@pytest.fixture(scope="session")
def admin(seeded_pg_url: str) -> Iterator[Engine]:
    # Timeouts turn a query that an injection made sleep or wait on a lock into a failure.
    engine = create_engine(seeded_pg_url, connect_args={"options": TIMEOUTS})
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def grafana(admin: Engine, seeded_pg_url: str) -> Iterator[Engine]:
    """Connected as driftboard_grafana, exactly as the provisioned datasource connects."""
    grafana_role.set_password(admin, PASSWORD)
    url = make_url(seeded_pg_url).set(username=grafana_role.ROLE, password=PASSWORD)
    engine = create_engine(url, connect_args={"options": TIMEOUTS})
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def dashboards() -> dict[str, dict[str, Any]]:
    return inventory.load(GENERATED)

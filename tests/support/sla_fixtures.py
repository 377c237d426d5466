"""Fixtures of the SLA tests: sla_history seeded into PostgreSQL and SQLite, and Grafana's view.

A pytest plugin, registered in tests/conftest.py.
"""

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url

from driftboard.store import connect, grafana_role
from tests.support.dashboard_support import PASSWORD
from tests.support.databases import create_pg_database, drop_pg_database, migrated
from tests.support.sla_history import seed


@pytest.fixture(scope="session")
def sla_pg_url() -> Iterator[str]:
    url = migrated(create_pg_database("driftboard_sla"), seed)
    yield url
    drop_pg_database(url)


@pytest.fixture(scope="session")
def sla_sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return migrated(f"sqlite:///{tmp_path_factory.mktemp('sla') / 'store.db'}", seed)


@pytest.fixture(scope="session", params=["postgresql", "sqlite"])
def sla_engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """The seeded history on each backend; tests only read it."""
    url = request.getfixturevalue("sla_pg_url" if request.param == "postgresql" else "sla_sqlite_url")
    engine = connect.make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def sla_grafana(sla_pg_url: str) -> Iterator[Engine]:
    """The PostgreSQL history as driftboard_grafana sees it (the datasource's role)."""
    admin = create_engine(sla_pg_url)
    grafana_role.set_password(admin, PASSWORD)
    admin.dispose()
    engine = create_engine(make_url(sla_pg_url).set(username=grafana_role.ROLE, password=PASSWORD))
    yield engine
    engine.dispose()

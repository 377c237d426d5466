"""Schema only through migrations: upgrade from empty, downgrade, and no model/migration drift."""

import pytest
from sqlalchemy import inspect

from driftboard.store import connect, schema


# Marked by hand: the PostgreSQL database is asked for at run time (getfixturevalue), so
# conftest's fixture rule cannot see it.
@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=[pytest.mark.postgres, pytest.mark.slow])])
def empty_url(request: pytest.FixtureRequest, sqlite_url: str) -> str:
    return sqlite_url if request.param == "sqlite" else request.getfixturevalue("fresh_pg_url")


def test_upgrade_check_downgrade_upgrade(empty_url: str) -> None:
    engine = connect.make_engine(empty_url)
    assert schema.current_revision(engine) is None
    schema.upgrade(engine)
    assert schema.current_revision(engine) == schema.head_revision(engine)
    assert {"runs", "feature_results"} <= set(inspect(engine).get_table_names())
    schema.check(engine)  # raises if models and migrations disagree
    schema.downgrade(engine, "base")
    assert schema.current_revision(engine) is None
    assert not {"runs", "feature_results"} & set(inspect(engine).get_table_names())
    schema.upgrade(engine)
    schema.check(engine)
    engine.dispose()


def test_shared_server_is_never_migrated_implicitly(fresh_pg_url: str) -> None:
    engine = connect.make_engine(fresh_pg_url)
    with pytest.raises(schema.SchemaNotCurrent, match="run `driftboard db upgrade`"):
        schema.ensure_schema(engine)
    assert "runs" not in inspect(engine).get_table_names()
    engine.dispose()


def test_embedded_sqlite_migrates_itself(sqlite_url: str) -> None:
    engine = connect.make_engine(sqlite_url)
    schema.ensure_schema(engine)
    assert schema.current_revision(engine) == schema.head_revision(engine)
    engine.dispose()


def test_check_catches_a_model_change_without_migration(sqlite_url: str) -> None:
    from sqlalchemy import Column, Integer

    from driftboard.store.models import Run

    engine = connect.make_engine(sqlite_url)
    schema.upgrade(engine)
    column = Column("not_migrated", Integer)
    Run.__table__.append_column(column)
    try:
        with pytest.raises(Exception, match="New upgrade operations detected"):
            schema.check(engine)
    finally:
        Run.__table__._columns.remove(column)
    engine.dispose()

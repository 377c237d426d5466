"""Schema only through migrations: upgrade from empty, downgrade, and no model/migration drift."""

import contextlib
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from driftboard import alertconfig
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


REGISTERED = (
    "INSERT INTO monitored_models (model, interval_seconds, freshness_target, healthy_target, "
    "severe_drift_ratio, drift_share_critical, feature_drift_runs, updated_at) "
    "VALUES ('old', 3600, 0.99, 0.95, 3, 0.5, 3, '2026-01-01 00:00:00+00')"
)


def test_0008_gives_registered_models_the_configs_stale_intervals(empty_url: str) -> None:
    engine = connect.make_engine(empty_url)
    schema.upgrade(engine, "0007")
    with engine.begin() as conn:
        conn.execute(text(REGISTERED))
    schema.upgrade(engine)
    with engine.connect() as conn:
        stored = conn.scalar(text("SELECT stale_intervals FROM sla_models WHERE model = 'old'"))
    assert stored == alertconfig.load().thresholds.stale_intervals  # also what Grafana's view shows
    schema.downgrade(engine, "0007")
    assert "stale_intervals" not in {c["name"] for c in inspect(engine).get_columns("monitored_models")}
    with engine.connect() as conn:  # 0005's view is back
        assert conn.scalar(text("SELECT count(*) FROM sla_models WHERE model = 'old'")) == 1
    engine.dispose()


def test_two_first_runs_on_a_new_sqlite_store_migrate_it_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two processes' first run used to race the migration ("table runs already exists").
    Each upgrade here waits (up to 2 s) for the other to reach its upgrade too: without the
    lock both would run it at once."""
    url = f"sqlite:///{tmp_path / 'new.db'}"
    both = threading.Barrier(2)
    real = schema.upgrade

    def meeting(engine: Engine, revision: str = "head") -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            both.wait(timeout=2)
        real(engine, revision)

    monkeypatch.setattr(schema, "upgrade", meeting)
    errors: list[BaseException] = []

    def first_run() -> None:
        engine = connect.make_engine(url)
        try:
            schema.ensure_schema(engine)
        except BaseException as exc:  # handed to the test thread
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=first_run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    engine = connect.make_engine(url)
    assert schema.current_revision(engine) == schema.head_revision(engine)
    engine.dispose()

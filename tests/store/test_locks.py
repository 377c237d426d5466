"""The per-window advisory lock and the re-check after taking it (worker.compute)."""

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from driftboard.jobs.load import LoadedSpec
from driftboard.jobs.spec import JobSpec
from driftboard.jobs.window import Window
from driftboard.results import Evaluation
from driftboard.scheduler import worker
from driftboard.settings import Settings
from driftboard.store import connect, locks, runs
from driftboard.store.models import Run

END = datetime(2026, 3, 1, 12, tzinfo=UTC)
WINDOW = Window(END - timedelta(hours=1), END)


@pytest.fixture
def engine(pg_url: str) -> Iterator[Engine]:
    engine = connect.make_engine(pg_url)
    yield engine
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM runs"))
    engine.dispose()


def loaded_spec(tmp_path: Path) -> LoadedSpec:
    """A spec whose data does not exist: computing it fails fast with 'no such file'."""
    spec = JobSpec.model_validate(
        {
            "model": "lockme",
            "schedule": {"interval": "1h"},
            "timestamp_column": "ts",
            "reference": {"path": "missing-ref.csv"},
            "current": {"path": "missing-cur.csv"},
            "columns": {"numerical": ["x"]},
        }
    )
    return LoadedSpec(tmp_path / "lockme.yaml", spec)


def test_lock_keys_are_stable_and_distinct() -> None:
    other = Window(WINDOW.end, WINDOW.end + timedelta(hours=1))
    assert locks.lock_key("a", WINDOW) == locks.lock_key("a", WINDOW)
    assert len({locks.lock_key("a", WINDOW), locks.lock_key("b", WINDOW), locks.lock_key("a", other)}) == 3


def _waiting_advisory_locks(engine: Engine) -> int:
    query = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
    with engine.connect() as conn:
        return int(conn.execute(text(query)).scalar_one())


def test_second_holder_waits_until_the_first_releases(engine: Engine) -> None:
    acquired = threading.Event()
    with locks.window_lock(engine, "m", WINDOW):
        waiter = threading.Thread(target=lambda: _take_and_flag(engine, acquired))
        waiter.start()
        deadline = datetime.now(UTC) + timedelta(seconds=10)
        while _waiting_advisory_locks(engine) == 0 and datetime.now(UTC) < deadline:
            threading.Event().wait(0.05)
        assert _waiting_advisory_locks(engine) == 1  # PostgreSQL shows the second one blocked
        assert not acquired.is_set()
    waiter.join(10)
    assert acquired.is_set()


def _take_and_flag(engine: Engine, flag: threading.Event) -> None:
    with locks.window_lock(engine, "m", WINDOW):
        flag.set()


def test_a_different_window_is_not_blocked(engine: Engine) -> None:
    other = Window(WINDOW.end, WINDOW.end + timedelta(hours=1))
    with locks.window_lock(engine, "m", WINDOW), locks.window_lock(engine, "m", other):
        assert _waiting_advisory_locks(engine) == 0


def _store(engine: Engine, status: str) -> None:
    now = datetime.now(UTC)
    runs.save(engine, Evaluation("lockme", WINDOW, status, now, now))


def _rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(Run)) or 0)


def test_a_window_that_already_succeeded_is_not_computed_again(
    engine: Engine, pg_url: str, tmp_path: Path
) -> None:
    _store(engine, "succeeded")
    settings = Settings(database_url=pg_url)
    result = worker.compute(loaded_spec(tmp_path), WINDOW, settings, "r1", final=True)
    assert result.status == "already_done"
    with engine.connect() as conn:
        assert conn.scalar(select(Run.status)) == "succeeded"  # untouched: the data is missing


def test_a_failed_window_is_computed_again_and_force_recomputes_a_success(
    engine: Engine, pg_url: str, tmp_path: Path
) -> None:
    settings = Settings(database_url=pg_url)
    _store(engine, "failed")
    result = worker.compute(loaded_spec(tmp_path), WINDOW, settings, "r1", final=True)
    assert (result.status, _rows(engine)) == ("failed", 1)
    assert result.error
    assert "no such file" in result.error
    _store(engine, "succeeded")
    forced = worker.compute(loaded_spec(tmp_path), WINDOW, settings, "r2", final=True, force=True)
    assert forced.status == "failed"  # it really ran, and replaced the success

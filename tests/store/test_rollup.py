"""feature_daily stays equal to a GROUP BY over feature_results after every write and retention."""

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Connection, Engine, text

from driftboard.jobs.window import Window
from driftboard.results import Evaluation, FeatureOutcome
from driftboard.store import connect, partitions, rollup, runs, schema
from tests.support.schedproc import wait_for

DAY = datetime(2026, 3, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)
ROWS = "SELECT model, day, feature, max_ratio, drifted_runs, runs FROM feature_daily"


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    engine = connect.make_engine(store_url)
    yield engine
    engine.dispose()


def save(engine: Engine, end: datetime, ratios: dict[str, float | None], model: str = "m") -> None:
    features = [
        FeatureOutcome(f, "feature", "numerical", "ok", drift_ratio=r, drift_detected=(r or 0) >= 1)
        for f, r in ratios.items()
    ]
    outcome = Evaluation(model, Window(end - HOUR, end), "succeeded", end, end, features=features)
    runs.save(engine, outcome)


def daily(engine: Engine) -> set[tuple[str, str, str, float | None, int, int]]:
    """The rollup's rows, with the day as a date string whatever the backend returns."""
    with engine.connect() as conn:
        rows = conn.execute(text(ROWS))
        return {(m, str(d)[:10], f, r, dr, n) for m, d, f, r, dr, n in rows}


def expected(engine: Engine) -> set[tuple[str, str, str, float | None, int, int]]:
    """The same GROUP BY done afresh: rebuild a copy in a transaction that is rolled back."""
    with engine.connect() as conn:
        rollup.rebuild(conn)
        rows = conn.execute(text(ROWS))
        result = {(m, str(d)[:10], f, r, dr, n) for m, d, f, r, dr, n in rows}
        conn.rollback()
    return result


def test_saves_keep_the_day_exact(engine: Engine) -> None:
    save(engine, DAY + HOUR, {"a": 0.5, "b": 1.5})
    save(engine, DAY + 2 * HOUR, {"a": 0.9, "b": None})  # several windows in one day
    save(engine, DAY + 2 * HOUR, {"a": 0.9, "b": 0.2}, model="other")
    save(engine, DAY + 24 * HOUR, {"a": 0.1})  # midnight: the window ending then is the next day's
    save(engine, DAY - HOUR / 2, {"a": 2.0})  # the day before
    rows = daily(engine)
    assert rows == expected(engine)
    assert ("m", "2026-03-01", "a", 0.9, 0, 2) in rows
    assert ("m", "2026-03-01", "b", 1.5, 1, 2) in rows
    assert ("m", "2026-03-02", "a", 0.1, 0, 1) in rows
    assert ("m", "2026-02-28", "a", 2.0, 1, 1) in rows


def test_a_rerun_that_lowers_a_ratio_lowers_the_day(engine: Engine) -> None:
    save(engine, DAY + HOUR, {"a": 1.5})
    save(engine, DAY + 2 * HOUR, {"a": 0.5})
    save(engine, DAY + HOUR, {"a": 0.7})  # re-run of the worst window
    assert daily(engine) == expected(engine) == {("m", "2026-03-01", "a", 0.7, 0, 2)}


def test_retention_deletes_the_days_before_the_cutoff(engine: Engine) -> None:
    for days in range(40):
        save(engine, DAY + timedelta(days=days, hours=5), {"a": days / 10})
    cutoff = datetime(2026, 4, 1, tzinfo=UTC)
    with engine.begin() as conn:
        partitions.delete_before(conn, cutoff)
    rows = daily(engine)
    assert rows == expected(engine)
    assert min(day for _, day, *_ in rows) == "2026-04-01"


def test_a_cutoff_inside_a_day_recomputes_that_day(engine: Engine) -> None:
    save(engine, DAY + HOUR, {"a": 1.5})
    save(engine, DAY + 20 * HOUR, {"a": 0.5})
    save(engine, DAY + 2 * HOUR, {"a": 0.5}, model="gone")  # all of its day is before the cutoff
    with engine.begin() as conn:
        partitions.delete_before(conn, DAY + 12 * HOUR)
    assert daily(engine) == expected(engine) == {("m", "2026-03-01", "a", 0.5, 0, 1)}


def test_retention_and_a_save_into_the_cutoff_day_at_once(
    fresh_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The save holds its day open (rows and rollup written, not committed) while retention
    recomputes that day: retention waits for it, and the day ends exact, with the save in."""
    engine = connect.make_engine(fresh_store)
    save(engine, DAY + HOUR, {"a": 1.5})
    save(engine, DAY + 20 * HOUR, {"a": 0.5})
    holding, release = threading.Event(), threading.Event()
    real = rollup.refresh_day

    def held(conn: Connection, model: str, moment: datetime) -> None:
        real(conn, model, moment)
        if threading.current_thread().name == "save":
            holding.set()
            release.wait(30)

    monkeypatch.setattr(rollup, "refresh_day", held)
    saver = Worker("save", lambda: save(engine, DAY + 13 * HOUR, {"a": 2.5}))
    assert holding.wait(30)
    retention = Worker("retention", lambda: _retain(engine, DAY + 12 * HOUR))
    wait_for("retention to wait for the save", lambda: _waiting_on_a_lock(engine))
    release.set()
    saver.join()
    retention.join()
    assert daily(engine) == expected(engine) == {("m", "2026-03-01", "a", 2.5, 1, 2)}
    engine.dispose()


class Worker(threading.Thread):
    """A thread whose exception fails the test at join()."""

    def __init__(self, name: str, target: Callable[[], None]) -> None:
        super().__init__(name=name, daemon=True)
        self.work, self.error = target, None
        self.start()

    def run(self) -> None:
        try:
            self.work()
        except BaseException as exc:  # handed to the test thread, raised at join()
            self.error = exc

    def join(self, timeout: float | None = 60) -> None:
        super().join(timeout)
        assert not self.is_alive(), f"{self.name} did not finish"
        if self.error is not None:
            raise self.error


def _retain(engine: Engine, cutoff: datetime) -> None:
    with engine.begin() as conn:
        partitions.delete_before(conn, cutoff)


def _waiting_on_a_lock(engine: Engine) -> bool:
    # This test's database only: the server is shared with other tests, and their locks.
    query = (
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
        "AND datname = current_database() AND pid <> pg_backend_pid()"
    )
    with engine.connect() as conn:
        return bool(conn.scalar(text(query)))


def test_migration_0007_backfills_what_the_saves_kept(engine: Engine) -> None:
    save(engine, DAY + HOUR, {"a": 0.5, "b": None})
    save(engine, DAY + 23 * HOUR, {"a": 1.5, "b": 0.3})
    save(engine, DAY + 24 * HOUR, {"a": 0.2}, model="other")
    kept = daily(engine)
    schema.downgrade(engine, "0006")
    schema.upgrade(engine)
    assert daily(engine) == kept == expected(engine)
    assert len(kept) == 3

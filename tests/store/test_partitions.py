"""Migration 0006 (monthly partitions of feature_results) and the store's upkeep and retention."""

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from driftboard.cli import app
from driftboard.scheduler import upkeep
from driftboard.settings import Settings, get_settings
from driftboard.store import connect, partitions, schema
from driftboard.store.models import FeatureResult, Run
from tests.support.databases import migrated

NOW = datetime(2027, 6, 15, 12, tzinfo=UTC)
HISTORY = [
    datetime(2026, 12, 10, tzinfo=UTC),
    datetime(2027, 2, 20, tzinfo=UTC),
    datetime(2027, 3, 5, tzinfo=UTC),
    datetime(2027, 6, 1, tzinfo=UTC),
]


def seed(engine: Engine, ends: list[datetime], model: str = "m") -> None:
    """One succeeded run per window end, with two features each."""
    with Session(engine) as session, session.begin():
        for end in ends:
            features = [
                FeatureResult(
                    model=model,
                    window_end=end,
                    feature=f,
                    role="feature",
                    column_type="numerical",
                    status="ok",
                    drift_ratio=0.5,
                    drift_detected=False,
                )
                for f in ("a", "b")
            ]
            session.add(
                Run(
                    model=model,
                    window_start=end - timedelta(hours=1),
                    window_end=end,
                    status="succeeded",
                    started_at=end,
                    finished_at=end,
                    duration_seconds=1.0,
                    driftboard_version="test",
                    features=features,
                )
            )


def ends(engine: Engine, table: str = "runs") -> list[datetime]:
    model = Run if table == "runs" else FeatureResult
    with Session(engine) as session:
        return sorted(set(session.scalars(select(model.window_end))))


def holder(engine: Engine, end: datetime) -> set[str]:
    """The partitions holding the feature rows of one window end."""
    sql = "SELECT DISTINCT tableoid::regclass::text FROM feature_results WHERE window_end = :e"
    with engine.connect() as conn:
        return set(conn.scalars(text(sql), {"e": end}))


def at_0005(url: str) -> Iterator[Engine]:
    engine = connect.make_engine(url)
    schema.downgrade(engine, "0005")
    yield engine
    engine.dispose()


@pytest.fixture
def old_store(store_url: str) -> Iterator[Engine]:
    """A store at 0005 on each backend (0006 is what is being tested)."""
    yield from at_0005(store_url)


@pytest.fixture
def old_pg_store(fresh_pg_url: str) -> Iterator[Engine]:
    """A PostgreSQL store at 0005: partitions, roles and the views' rewrite exist only there."""
    yield from at_0005(migrated(fresh_pg_url))


def test_upgrade_and_downgrade_keep_the_rows_and_the_views(old_store: Engine) -> None:
    now = datetime.now(UTC)
    history = [now - timedelta(days=150), now - timedelta(days=60), now - timedelta(days=1)]
    seed(old_store, history)
    with old_store.connect() as conn:
        ids = sorted(conn.scalars(text("SELECT id FROM feature_results")))
    for revision in ("head", "0005", "head"):
        (schema.upgrade if revision == "head" else schema.downgrade)(old_store, revision)
        with old_store.connect() as conn:
            assert sorted(conn.scalars(text("SELECT id FROM feature_results"))) == ids, revision
            assert conn.scalar(text("SELECT count(*) FROM sla_feature_windows")) == 6, revision
    schema.check(old_store)
    seed(old_store, [now], model="new")  # new ids continue the old sequence
    with old_store.connect() as conn:
        assert conn.scalar(text("SELECT min(id) FROM feature_results WHERE model = 'new'")) > ids[-1]


def test_partitions_cover_the_history_and_the_months_ahead(old_pg_store: Engine) -> None:
    now = datetime.now(UTC)
    seed(old_pg_store, [now - timedelta(days=100)])
    schema.upgrade(old_pg_store)
    with old_pg_store.connect() as conn:
        months = set(partitions.existing(conn).values())
    first = partitions.month_start(now - timedelta(days=100))
    wanted = {
        partitions.month_start(first, n)
        for n in range(10)
        if partitions.month_start(first, n) <= partitions.month_start(now, 3)
    }
    assert months == wanted
    far = datetime(2040, 1, 1, tzinfo=UTC)
    seed(old_pg_store, [far])
    assert holder(old_pg_store, far) == {"feature_results_default"}  # never refused


def test_grafana_reads_through_the_partitioned_table(old_pg_store: Engine) -> None:
    seed(old_pg_store, [datetime.now(UTC)])
    schema.upgrade(old_pg_store)
    with old_pg_store.connect() as conn:
        conn.execute(text("SET ROLE driftboard_grafana"))
        assert conn.scalar(text("SELECT count(*) FROM feature_results")) == 2
        assert conn.scalar(text("SELECT count(*) FROM sla_feature_windows")) == 2
        conn.rollback()


def test_sla_views_look_up_one_partition_and_downgrade_exactly(old_pg_store: Engine) -> None:
    definition = "SELECT pg_get_viewdef('sla_runs'::regclass)"
    with old_pg_store.connect() as conn:
        before = conn.scalar(text(definition))
    schema.upgrade(old_pg_store)
    with old_pg_store.connect() as conn:
        assert "f.window_end = r.window_end" in conn.scalar(text(definition))
    schema.downgrade(old_pg_store, "0005")
    with old_pg_store.connect() as conn:
        assert conn.scalar(text(definition)) == before


@pytest.fixture
def history(store_url: str) -> Iterator[Engine]:
    engine = connect.make_engine(store_url)
    seed(engine, HISTORY)
    yield engine
    engine.dispose()


def test_retention_drops_old_months_and_keeps_recent_ones(history: Engine) -> None:
    done = partitions.maintain(history, NOW, retention_days=100, months_ahead=3)
    assert done.cutoff == datetime(2027, 3, 1, tzinfo=UTC)  # the month NOW - 100 days falls in
    assert done.deleted_runs == 2
    assert ends(history) == ends(history, "feature_results") == HISTORY[2:]
    if history.dialect.name == "postgresql":
        with history.connect() as conn:
            months = partitions.existing(conn).values()
        assert min(months) >= done.cutoff
        assert {partitions.month_start(NOW, n) for n in range(4)} <= set(months)
        assert holder(history, HISTORY[-1]) == {"feature_results_p202706"}  # moved out of the default
        with history.connect() as conn:
            options = conn.scalar(
                text("SELECT reloptions FROM pg_class WHERE relname = :p"), {"p": "feature_results_p202706"}
            )
        assert options == ["autovacuum_vacuum_insert_scale_factor=0.02"]
    again = partitions.maintain(history, NOW, retention_days=100, months_ahead=3)
    assert (again.created, again.dropped, again.deleted_runs) == ([], [], 0)


def test_zero_retention_keeps_everything(history: Engine) -> None:
    done = partitions.maintain(history, NOW, retention_days=0, months_ahead=1)
    assert (done.cutoff, done.deleted_runs, done.dropped) == (None, 0, [])
    assert ends(history) == HISTORY


@pytest.mark.parametrize("days", [1, 30, 397, 400, 1000])
def test_cutoff_keeps_at_least_the_retention(days: int) -> None:
    for now in (NOW, datetime(2027, 3, 31, 23, tzinfo=UTC), datetime(2028, 2, 29, tzinfo=UTC)):
        cut = partitions.cutoff(now, days)
        assert cut is not None
        assert cut.day == 1
        assert now - cut >= timedelta(days=days)
    assert partitions.cutoff(NOW, Settings().retention_days) <= NOW - timedelta(days=397)  # 13 months


def test_months_are_utc_months_whatever_the_zone_of_a_time() -> None:
    berlin = datetime(2026, 6, 1, 0, 30, tzinfo=timezone(timedelta(hours=2)))  # 31 May in UTC
    assert partitions.month_start(berlin) == datetime(2026, 5, 1, tzinfo=UTC)
    assert partitions.month_start(berlin, 8) == datetime(2027, 1, 1, tzinfo=UTC)


def test_the_scheduler_job_runs_daily_once_at_a_time() -> None:
    aps = BackgroundScheduler(timezone=UTC)
    upkeep.schedule(aps, lambda: None)
    job = aps.get_job(upkeep.JOB_ID)
    assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, None)
    assert job.next_run_time <= datetime.now(UTC) + timedelta(seconds=1)  # at start, too
    assert job.trigger is upkeep.DAILY


def test_the_scheduler_registers_the_job(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from driftboard.scheduler import service as scheduler_module
    from driftboard.scheduler.jobset import JobSet

    monkeypatch.setattr(scheduler_module.WorkerPool, "warm", lambda self: None)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 's.db'}", jobs_dir=tmp_path)  # type: ignore[arg-type]
    sched = scheduler_module.Scheduler(settings, JobSet(tmp_path))
    sched.start()
    try:
        assert sched.aps.get_job(upkeep.JOB_ID) is not None
    finally:
        sched.stop()


def test_daily_job_logs_and_survives_a_database_error(caplog: pytest.LogCaptureFixture) -> None:
    broken = create_engine("postgresql+psycopg2://nobody@127.0.0.1:1/none")
    with caplog.at_level(logging.INFO):
        upkeep.daily(broken, Settings())
    assert "store maintenance failed" in caplog.text


def test_cli_maintains(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = connect.make_engine(store_url)
    seed(engine, [datetime.now(UTC) - timedelta(days=800), datetime.now(UTC)])  # the default keeps 400
    monkeypatch.setenv("DRIFTBOARD_DATABASE_URL", store_url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["db", "maintain"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "runs deleted: 1" in result.output
    assert len(ends(engine)) == 1
    engine.dispose()

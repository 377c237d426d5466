"""Catch-up planning: which windows a firing runs, and the gap recorded past the limit."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select

from driftboard.jobs.spec import JobSpec
from driftboard.jobs.window import Window
from driftboard.results import Evaluation
from driftboard.scheduler import catchup
from driftboard.store import connect, runs
from driftboard.store.models import Run

NOW = datetime(2026, 3, 1, 12, 0, 30, tzinfo=UTC)


def spec(**schedule: str) -> JobSpec:
    return JobSpec.model_validate(
        {
            "model": "m",
            "schedule": schedule,
            "timestamp_column": "ts",
            "reference": {"path": "r.csv"},
            "current": {"path": "c.csv"},
            "columns": {"numerical": ["x"]},
        }
    )


MINUTELY = spec(interval="1m")
LATEST_END = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def minutes_ago(n: int) -> datetime:
    return LATEST_END - timedelta(minutes=n)


def recorded(*minutes: int) -> catchup.History:
    """History of a model whose windows ending `minutes` ago are in the store."""
    ends = [minutes_ago(n) for n in minutes]
    return catchup.History(min(ends), max(ends), frozenset(ends))


def windows(*minutes: int) -> list[Window]:
    return [Window(minutes_ago(n + 1), minutes_ago(n)) for n in minutes]


def test_no_history_runs_only_the_current_window() -> None:
    plan = catchup.plan(MINUTELY, NOW, catchup.History(None, None), limit=10)
    assert plan == catchup.Plan(windows(0), None)


def test_up_to_date_model_has_nothing_to_run() -> None:
    assert catchup.plan(MINUTELY, NOW, recorded(2, 1, 0), limit=10) == catchup.Plan([], None)


def test_missed_windows_run_oldest_first_and_consecutive() -> None:
    plan = catchup.plan(MINUTELY, NOW, recorded(5, 4, 3), limit=10)
    assert plan == catchup.Plan(windows(2, 1, 0), None)


def test_holes_before_the_newest_window_run_too() -> None:
    # Two schedulers started a few windows apart, each with its own first window.
    plan = catchup.plan(MINUTELY, NOW, recorded(6, 3, 2), limit=10)
    assert plan == catchup.Plan(windows(5, 4, 1, 0), None)


def test_nothing_older_than_the_first_recorded_window_runs() -> None:
    plan = catchup.plan(MINUTELY, NOW, recorded(1), limit=10)
    assert plan.windows == windows(0)


def test_exactly_the_limit_runs_without_a_gap() -> None:
    plan = catchup.plan(MINUTELY, NOW, recorded(5), limit=5)
    assert plan == catchup.Plan(windows(4, 3, 2, 1, 0), None)


def test_beyond_the_limit_the_newest_run_and_the_older_ones_form_the_gap() -> None:
    plan = catchup.plan(MINUTELY, NOW, recorded(20), limit=5)
    assert plan.windows == windows(4, 3, 2, 1, 0)
    # The gap spans every missed window not run: from the newest recorded one up to the first run.
    assert plan.gap == Window(minutes_ago(20), minutes_ago(5))


def test_cron_schedules_catch_up_on_their_own_ticks() -> None:
    hourly = spec(cron="0 * * * *")
    three_hours_ago = LATEST_END - timedelta(hours=3)
    history = catchup.History(three_hours_ago, three_hours_ago, frozenset({three_hours_ago}))
    plan = catchup.plan(hourly, NOW, history, limit=10)
    assert [w.end for w in plan.windows] == [LATEST_END - timedelta(hours=n) for n in (2, 1, 0)]
    assert all(w.end - w.start == timedelta(hours=1) for w in plan.windows)


def _save(engine: Engine, window: Window, status: str) -> None:
    now = datetime.now(UTC)
    runs.save(engine, Evaluation("m", window, status, now, now))


def test_history_reads_bounds_and_the_horizon(store_url: str) -> None:
    engine = connect.make_engine(store_url)
    assert catchup.history(engine, MINUTELY, NOW, 5) == catchup.History(None, None)
    for n in (30, 3, 1):
        _save(engine, windows(n)[0], "failed")
    found = catchup.history(engine, MINUTELY, NOW, 5)
    assert (found.first, found.newest) == (minutes_ago(30), minutes_ago(1))
    assert {minutes_ago(3), minutes_ago(1)} <= found.recorded  # the horizon's; older may be left out
    engine.dispose()


def test_a_gap_is_recorded_once_as_a_skipped_run(store_url: str) -> None:
    engine = connect.make_engine(store_url)
    gap = Window(minutes_ago(20), minutes_ago(5))
    reason = catchup.gap_reason(MINUTELY, gap, 5)
    assert runs.record_skipped(engine, "m", gap, reason)
    assert not runs.record_skipped(engine, "m", gap, reason)  # a second scheduler finds it recorded
    with engine.connect() as conn:
        rows = conn.execute(select(Run.status, Run.error, Run.window_start, Run.window_end)).all()
    assert rows == [("skipped", reason, gap.start, gap.end)]
    assert "driftboard backfill" in reason
    assert gap.start.isoformat() in reason
    assert catchup.history(engine, MINUTELY, NOW, 5).newest == gap.end  # the next plan starts after it
    assert runs.last_success(engine, "m") is None
    engine.dispose()

"""Catch-up planning: which windows a firing runs, and the gap recorded past the limit."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from driftboard import catchup, db
from driftboard.models import Run
from driftboard.schedule import Window
from driftboard.spec import JobSpec

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


def test_no_history_runs_only_the_current_window() -> None:
    plan = catchup.plan(MINUTELY, NOW, None, limit=10)
    assert plan.windows == [Window(minutes_ago(1), LATEST_END)]
    assert plan.gap is None


def test_up_to_date_model_has_nothing_to_run() -> None:
    assert catchup.plan(MINUTELY, NOW, LATEST_END, limit=10) == catchup.Plan([], None)


def test_missed_windows_run_oldest_first_and_consecutive() -> None:
    plan = catchup.plan(MINUTELY, NOW, minutes_ago(3), limit=10)
    assert plan.windows == [Window(minutes_ago(n + 1), minutes_ago(n)) for n in (2, 1, 0)]
    assert plan.gap is None


def test_exactly_the_limit_runs_without_a_gap() -> None:
    plan = catchup.plan(MINUTELY, NOW, minutes_ago(5), limit=5)
    assert len(plan.windows) == 5
    assert plan.gap is None


def test_beyond_the_limit_the_newest_run_and_the_older_ones_form_the_gap() -> None:
    plan = catchup.plan(MINUTELY, NOW, minutes_ago(20), limit=5)
    assert plan.windows == [Window(minutes_ago(n + 1), minutes_ago(n)) for n in (4, 3, 2, 1, 0)]
    # The gap spans every missed window not run: from the anchor up to the first one run.
    assert plan.gap == Window(minutes_ago(20), minutes_ago(5))


def test_cron_schedules_catch_up_on_their_own_ticks() -> None:
    hourly = spec(cron="0 * * * *")
    plan = catchup.plan(hourly, NOW, LATEST_END - timedelta(hours=3), limit=10)
    assert [w.end for w in plan.windows] == [LATEST_END - timedelta(hours=n) for n in (2, 1, 0)]
    assert all(w.end - w.start == timedelta(hours=1) for w in plan.windows)


def test_anchor_is_the_newest_recorded_window_and_a_gap_is_recorded_once(store_url: str) -> None:
    engine = db.make_engine(store_url)
    assert catchup.anchor(engine, "m") is None
    gap = Window(minutes_ago(20), minutes_ago(5))
    reason = catchup.gap_reason(MINUTELY, gap, 5)
    assert catchup.record_gap(engine, "m", gap, reason)
    assert not catchup.record_gap(engine, "m", gap, reason)  # a second scheduler finds it recorded
    with engine.connect() as conn:
        rows = conn.execute(select(Run.status, Run.error, Run.window_start, Run.window_end)).all()
    assert rows == [("skipped", reason, gap.start, gap.end)]
    assert "driftboard backfill" in reason
    assert gap.start.isoformat() in reason
    assert catchup.anchor(engine, "m") == gap.end  # the next plan starts after the gap
    assert catchup.last_success(engine, "m") is None
    engine.dispose()

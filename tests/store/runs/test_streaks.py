"""What a push compares its run with, from the stored runs: the critical-drift streak and
the usual volume (driftboard.store.runs.streaks), on both backends."""

from datetime import timedelta

from sqlalchemy import Engine

from driftboard.jobs.window import Window
from driftboard.results import Evaluation, FeatureOutcome
from driftboard.store import connect, runs
from driftboard.store.runs import streaks
from tests.support.helpers import WINDOW_END

H = timedelta(hours=1)
SHARE, RATIO = 0.5, 3.0  # the default critical levels


def window(i: int) -> Window:
    return Window(WINDOW_END + (i - 1) * H, WINDOW_END + i * H)


def save(engine: Engine, i: int, ratios: list[float], rows: int = 100, status: str = "succeeded") -> None:
    """Run i (hour i after WINDOW_END) with one feature per drift ratio (≥ 1 drifted)."""
    features = [
        FeatureOutcome(f"f{n}", "feature", "numerical", "ok", drift_ratio=r, drift_detected=r >= 1)
        for n, r in enumerate(ratios)
    ]
    w = window(i)
    ok = status == "succeeded"
    runs.save(
        engine,
        Evaluation(
            "m", w, status, w.end, w.end, current_rows=rows if ok else None, features=features if ok else ()
        ),
    )


def test_the_streak_counts_critical_runs_in_a_row_up_to_the_window(store_url: str) -> None:
    engine = connect.make_engine(store_url)
    try:
        save(engine, 0, [1.5, 1.2, 0.2])  # critical by share (2 of 3)
        save(engine, 1, [0.2, 0.1, 0.1])  # quiet: the streak restarts after it
        save(engine, 2, [3.0, 0.1, 0.1])  # critical by one severe feature (1 of 3 drifted)
        save(engine, 3, [], status="failed")  # a failed run neither breaks nor extends it
        save(engine, 4, [1.1, 1.1, 0.9])  # critical by share again
        save(engine, 5, [1.1, 0.1, 0.1])  # a later quiet run: after the window asked about
        counted = [streaks.model_drift_runs(engine, "m", window(i).end, SHARE, RATIO) for i in range(5)]
        assert counted == [1, 0, 1, 1, 2]
        assert streaks.model_drift_runs(engine, "m", window(5).end, SHARE, RATIO) == 0
        # The model's own levels decide: with a share level of 0.3, run 5 is critical too.
        assert streaks.model_drift_runs(engine, "m", window(5).end, 0.3, RATIO) == 3
        assert streaks.model_drift_runs(engine, "other", window(5).end, SHARE, RATIO) == 0
    finally:
        engine.dispose()


def test_expected_rows_is_the_median_of_the_recent_windows_before_this_one(store_url: str) -> None:
    engine = connect.make_engine(store_url)
    try:
        for i, rows in enumerate([1000, 10, 400, 500]):
            save(engine, i, [0.1], rows=rows)
        save(engine, 4, [], status="failed")  # no rows to count
        save(engine, 5, [0.1], rows=7)  # this window's own rows are not its baseline
        assert streaks.expected_rows(engine, "m", window(2).end, runs=12) is None  # 2 windows only
        assert streaks.expected_rows(engine, "m", window(3).end, runs=12) == 400  # 1000, 10, 400
        assert streaks.expected_rows(engine, "m", window(5).end, runs=12) == 450  # and 500
        assert streaks.expected_rows(engine, "m", window(5).end, runs=3) == 400  # 10, 400, 500
    finally:
        engine.dispose()

"""Columns are scored on a thread pool over the shared Series when they are long enough for a
second thread to pay; the scores do not depend on the number of threads."""

import threading

import pytest

from driftboard.data.quality import Column
from driftboard.drift.fast import engine
from driftboard.drift.fast.engine import PARALLEL_MIN_ROWS, build_threads, score_columns, score_threads
from driftboard.jobs.spec import Drift
from tests.support.fast_helpers import columns, frames


@pytest.mark.parametrize(
    ("n_ref", "n_cur", "build", "score"),
    [
        (PARALLEL_MIN_ROWS - 1, PARALLEL_MIN_ROWS - 1, 1, 1),
        (PARALLEL_MIN_ROWS, 100, 2, 1),  # a long reference: its profile is built on both
        (100, PARALLEL_MIN_ROWS, 1, 2),
    ],
)
def test_short_columns_use_one_thread(n_ref: int, n_cur: int, build: int, score: int) -> None:
    cols = columns(*frames(n_ref, n_cur))
    assert (build_threads(2, cols), score_threads(2, cols)) == (build, score)


def test_a_small_window_on_a_reference_past_the_caches_uses_both(monkeypatch: pytest.MonkeyPatch) -> None:
    cols = columns(*frames(2000, 100))
    monkeypatch.setattr(engine, "PARALLEL_MIN_REFERENCE", 2000)
    assert score_threads(2, cols) == 2
    monkeypatch.setattr(engine, "PARALLEL_MIN_REFERENCE", 2001)
    assert score_threads(2, cols) == 1


def test_threaded_scores_equal_one_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    cols = columns(*frames(3000, 2000))
    alone = score_columns(cols, Drift(), workers=1)
    monkeypatch.setattr(engine, "PARALLEL_MIN_ROWS", 1)
    names = _record_threads(monkeypatch)
    shared = score_columns(cols, Drift(), workers=2)
    assert len(set(names)) == 2  # both threads scored columns, at the same moment
    assert shared.scores == alone.scores
    assert shared.errors == alone.errors == {}


def _record_threads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each scoring thread's first column waits for the other's: two must run at once."""
    names: list[str] = []
    meet = threading.Barrier(2, timeout=10)
    real = engine.score_one

    def spy(col: Column, *args: object) -> engine.Outcome:
        name = threading.current_thread().name
        if name not in names:
            names.append(name)
            meet.wait()
        return real(col, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "score_one", spy)
    return names

"""Late rows: windows evaluated before all their rows landed are evaluated again.

For each of the last `late_windows` windows before the newest, the current source is read
for that window's timestamps only (one column, pushed down); when its row count differs from
the stored run's, the window is evaluated again and stored in place of the old run (a window
has one run: never a duplicate). It is not pushed: only the model's newest window is live
(run/pipeline.py's rule), and these are older by construction.
"""

import logging
from datetime import timedelta

from sqlalchemy import Engine

from driftboard.data import sources
from driftboard.data.request import Request
from driftboard.errors import DataError
from driftboard.jobs.load import LoadedSpec
from driftboard.jobs.schedule import last_tick, window_ending
from driftboard.jobs.window import Window
from driftboard.results import RunResult, RunStatus
from driftboard.run import pipeline
from driftboard.run.evaluate import evaluate_or_fail
from driftboard.settings import Settings
from driftboard.store import locks, runs

log = logging.getLogger(__name__)
_TICK = timedelta(microseconds=1)


def earlier_windows(loaded: LoadedSpec, newest: Window) -> list[Window]:
    """The spec's `late_windows` windows before `newest`, oldest first."""
    found: list[Window] = []
    end = newest.end
    for _ in range(loaded.spec.late_windows):
        end = last_tick(loaded.spec, end - _TICK)
        found.append(window_ending(loaded.spec, end))
    return found[::-1]


def rows_now(loaded: LoadedSpec, window: Window, limit: int) -> int:
    spec = loaded.spec
    ts = spec.timestamp_column
    request = Request("current data", frozenset({ts}), ts, spec.timestamp_timezone, window, limit)
    found = sources.read(spec.current, sources.where(spec.current, loaded.base_dir), request)
    return int(found.table.num_rows)


def recheck(engine: Engine, loaded: LoadedSpec, newest: Window, settings: Settings) -> list[RunResult]:
    """Re-evaluate the earlier windows whose rows changed; the stored runs they replace."""
    done = []
    for window in earlier_windows(loaded, newest):
        stored = runs.stored_rows(engine, loaded.spec.model, window)
        if stored is None or (rows := _rows(loaded, window, settings)) is None or rows == stored:
            continue  # never succeeded (catch-up's job), unreadable now, or nothing landed since
        with locks.window_lock(engine, loaded.spec.model, window):  # as a scheduler's run holds it
            evaluation = evaluate_or_fail(loaded, window, settings.keep_reports)
            if evaluation.status == RunStatus.SUCCEEDED:  # a failure must not replace good results
                done.append(pipeline.store(engine, loaded, evaluation, settings))
    return done


def _rows(loaded: LoadedSpec, window: Window, settings: Settings) -> int | None:
    try:
        return rows_now(loaded, window, settings.window_limit())
    except DataError as exc:  # the next firing looks again; the stored run stands meanwhile
        log.warning("model=%s window=%s late rows not counted: %s", loaded.spec.model, window, exc)
        return None

"""Score a run's columns in threads (numpy releases the GIL; nothing is copied per worker).

Each column is isolated: a native test that fails falls back to Evidently's own function
for that column, and a column Evidently cannot score either is recorded in `errors`.
"""

import logging
import os
import warnings
from concurrent.futures import Executor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from driftboard.data.quality import Column
from driftboard.drift.fast import cache, choice, current, fallback, prepare
from driftboard.drift.fast.natives import NATIVE
from driftboard.drift.fast.profile import Profile
from driftboard.drift.scores import DriftResult, Score
from driftboard.jobs import stattests
from driftboard.jobs.spec import Drift

log = logging.getLogger(__name__)
PARALLEL_MIN_ROWS = 30_000  # rows per column from which a second thread pays
PARALLEL_MIN_REFERENCE = 500_000  # reference values past the caches: a small window pays too
Outcome = tuple[str, Score | None, str | None]


def score_columns(
    columns: list[Column],
    drift: Drift,
    reference_key: str | None = None,
    cache_dir: Path | None = None,
    workers: int = 0,
    reference: dict[str, Any] | None = None,
) -> DriftResult:
    """`reference`: a fresh reference summary to store with the profiles (data/refsummary.py)."""
    if not columns:
        return DriftResult({}, {})
    most = workers or os.cpu_count() or 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numpy/scipy noise on constant columns; the scores stand
        with ThreadPoolExecutor(build_threads(most, columns)) as pool:
            found, use = prepare.profiles(columns, drift, reference_key, cache_dir, pool, reference)
        with ThreadPoolExecutor(score_threads(most, columns)) as pool:
            outcomes = _score_all(pool, columns, found, drift)
    scores = {name: s for name, s, _ in outcomes if s is not None}
    errors = {name: e for name, _, e in outcomes if e is not None}
    return DriftResult(scores, errors, profile=use)


def build_threads(most: int, columns: list[Column]) -> int:
    """One thread for short columns: their numpy calls are too brief to let the GIL go for
    long, and two threads were slower than one below about 20,000 rows (BENCHMARKS.md)."""
    return most if _longest(columns, "ref") >= PARALLEL_MIN_ROWS else 1


def score_threads(most: int, columns: list[Column]) -> int:
    """As for building, and also when the reference outgrows the CPU caches: the window's
    lookups into it then wait on memory, which two threads overlap (1.26x at 1,000 rows)."""
    long_window = _longest(columns, "cur") >= PARALLEL_MIN_ROWS
    return most if long_window or _longest(columns, "ref") >= PARALLEL_MIN_REFERENCE else 1


def _longest(columns: list[Column], side: str) -> int:
    return max((found.facts.length if (found := getattr(col, side)) else 0) for col in columns)


def _score_all(
    pool: Executor, columns: list[Column], found: dict[str, Profile], drift: Drift
) -> list[Outcome]:
    """Categorical columns start first: hashing their strings holds the GIL, so it runs beside
    the numerical columns' numpy work (which releases it) instead of queuing up at the end."""
    first = sorted(columns, key=lambda col: col.column_type != "categorical")
    done = {o[0]: o for o in pool.map(lambda col: _scored(col, found.get(col.name), drift), first)}
    return [done[col.name] for col in columns]


def _scored(col: Column, profile: Profile | None, drift: Drift) -> Outcome:
    outcome = score_one(col, profile, drift)
    if profile is not None:
        cache.release(profile)  # this run reads no more of it
    return outcome


def score_one(col: Column, profile: Profile | None, drift: Drift) -> Outcome:
    method, threshold = choice.explicit(drift, col.name, col.column_type)
    try:
        return col.name, native_score(col, profile, method, threshold), None
    except Exception:
        log.warning("column %r: native scoring failed, using Evidently's function", col.name, exc_info=True)
    try:
        test_id, value, flag = fallback.evidently_test(method, col, threshold)
    except Exception as exc:  # Evidently raises bare ValueError/TypeError/sklearn errors
        return col.name, None, f"Evidently could not score it: {type(exc).__name__}: {exc}"
    return col.name, _score(choice.choose(test_id, threshold), value, flag), None


def native_score(col: Column, profile: Profile | None, method: str | None, threshold: float | None) -> Score:
    if profile is None or col.cur is None:
        raise ValueError("no reference profile")
    cur = current.prepare(profile, col.cur)
    chosen = choice.choose(method or choice.auto_test(col.column_type, profile.n, cur.n_values()), threshold)
    native = NATIVE.get(chosen.test.id)
    if native is None:  # no native version: Evidently's function on this column, same choice
        _, value, flag = fallback.evidently_test(chosen.test.id, col, chosen.threshold)
        return _score(chosen, value, flag)
    value = native(cur)
    return _score(chosen, value, choice.drifted(chosen.test.id, value, chosen.threshold))


def _score(chosen: choice.Choice, value: float, flag: bool) -> Score:
    ratio = stattests.drift_ratio(chosen.test, value, chosen.threshold)
    return Score(chosen.test.id, value, chosen.threshold, flag, ratio)

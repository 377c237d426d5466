"""Calibrated thresholds (`threshold: calibrated`): a departure from Evidently's fixed ones.

A column's threshold is the quantile (default 0.99) of the scores its own reference gets
against itself in chunks of the window's size: the variability a window shows with no drift
at all. The score is Evidently's, unchanged; only the threshold, and so the flag and the
drift ratio, differ. Thresholds are kept beside the reference's profile, keyed by column,
test, chunk size and settings, so a reference is calibrated once per window size.
"""

import json
import os
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

from driftboard.data.quality import Column
from driftboard.drift.fast import choice, resample
from driftboard.drift.fast.profile import Profile
from driftboard.drift.scores import DriftResult, Score
from driftboard.jobs import stattests
from driftboard.jobs.spec import Calibration, Drift

Profiles = Callable[[list[Column]], dict[str, Profile]]
FLOOR = 1e-12  # a constant reference calibrates to 0; a threshold must stay a divisor
PVALUE_CEILING = 0.5  # p-value thresholds near 1 would flag every window (and log(1) = 0)


def chunk_size(usable: int) -> int:
    """The window's size to two significant digits: windows of 1,234 and 1,187 rows share
    one calibration instead of each costing its own."""
    if usable < 100:
        return usable
    scale = 10 ** (len(str(usable)) - 2)
    return int(round(usable / scale) * scale)


def apply(
    result: DriftResult, columns: list[Column], drift: Drift, profiles: Profiles, kept: Path | None
) -> DriftResult:
    wanted = [c for c in columns if c.name in result.scores and drift.calibrated(c.name, c.column_type)]
    if not wanted:
        return result
    found, saved = profiles(wanted), _read(kept)
    scores, errors = dict(result.scores), dict(result.errors)
    for col in wanted:
        score = scores.pop(col.name)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # scipy's notes on tiny or tied samples; the scores stand
                threshold = _threshold(col, found.get(col.name), score.stattest, drift.calibration, saved)
        except ValueError as exc:
            errors[col.name] = f"calibrated threshold: {exc}"
            continue
        scores[col.name] = reflagged(score, threshold)
    _write(kept, saved)
    return replace(
        result, scores={c.name: scores[c.name] for c in columns if c.name in scores}, errors=errors
    )


def _threshold(
    col: Column, profile: Profile | None, test_id: str, how: Calibration, saved: dict[str, float]
) -> float:
    if profile is None or col.cur is None:
        raise ValueError("no reference profile to calibrate with")
    size = chunk_size(col.cur.facts.usable)
    key = f"{col.name}\0{test_id}\0{size}\0{how.quantile}\0{how.method}\0{how.samples}"
    if key not in saved:
        found = resample.scores(profile, col.ref, test_id, size, how.method, how.samples)
        saved[key] = cut(found, stattests.CATALOGUE[test_id].pvalue, how.quantile)
    return saved[key]


def cut(scores: np.ndarray, pvalue: bool, quantile: float) -> float:
    """p-values flag drift when low, so their threshold is the low quantile."""
    finite = scores[np.isfinite(scores)]
    if finite.size == 0:
        raise ValueError("the reference's chunks gave no finite score")
    if pvalue:
        return min(max(float(np.quantile(finite, 1 - quantile)), FLOOR), PVALUE_CEILING)
    return max(float(np.quantile(finite, quantile)), FLOOR)


def reflagged(score: Score, threshold: float) -> Score:
    test = stattests.CATALOGUE[score.stattest]
    flag = choice.drifted(test.id, score.score, threshold)
    return replace(
        score,
        threshold=threshold,
        drift_detected=flag,
        drift_ratio=stattests.drift_ratio(test, score.score, threshold),
    )


def path_beside(profile_path: Path) -> Path:
    return profile_path.with_suffix(".calibration.json")


def _read(path: Path | None) -> dict[str, float]:
    try:
        found = json.loads(path.read_text()) if path is not None else {}
    except (OSError, ValueError):
        return {}  # missing or unreadable: calibrated again, as a deleted profile is rebuilt
    return {str(k): float(v) for k, v in found.items()} if isinstance(found, dict) else {}


def _write(path: Path | None, saved: dict[str, float]) -> None:
    """Whole or not at all, like the profile beside it; an unwritable cache costs speed only."""
    if path is None:
        return
    try:
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
        with os.fdopen(handle, "w") as out:
            json.dump(saved, out)
        os.replace(tmp, path)
    except OSError:
        return

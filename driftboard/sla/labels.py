"""Delayed labels: each window's performance, once enough of its predictions have a label.

Labels come from the target column of `current` (null until filled), or from a separate
`labels.source` joined by `labels.event_id`. `refresh` looks back `labels.lookback` from now,
recomputes every window whose labelled share reached `labels.min_labeled_share`, and replaces
its stored metrics: labels landing later improve a window's numbers at the next refresh
(`driftboard labels SPEC`, from cron or the scheduler), and the SLA views read the newest.
For a binary score, every window of the lookback also gets its estimated metrics (estimate.py),
labelled or not, stored beside the realised ones.
"""

import logging
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Engine

from driftboard.errors import DataError
from driftboard.jobs.load import LoadedSpec
from driftboard.jobs.schedule import ticks_between, window_ending
from driftboard.jobs.spec import Labels
from driftboard.jobs.window import Window
from driftboard.results import WindowEstimate, WindowPerformance
from driftboard.sla import estimate
from driftboard.sla.labelread import rows_for, settings, within
from driftboard.sla.performance import numbers, per_class, performance
from driftboard.store import performance_rows

log = logging.getLogger(__name__)


def evaluate(loaded: LoadedSpec, windows: list[Window], as_of: datetime) -> list[WindowPerformance]:
    """The windows whose labelled share reached min_labeled_share, with their metrics."""
    return measured(loaded, windows, rows_for(loaded, windows, as_of))


def measured(loaded: LoadedSpec, windows: list[Window], rows: pd.DataFrame) -> list[WindowPerformance]:
    labels, prediction = settings(loaded), loaded.spec.columns.prediction
    assert prediction is not None
    results = []
    for window in windows:
        inside = within(rows, window)
        labelled = inside[inside["target"].notna()]
        if len(inside) and len(labelled) >= labels.min_labeled_share * len(inside):
            results.append(_scored(window, len(inside), labelled, labels, prediction.type == "numerical"))
    return results


def estimated(loaded: LoadedSpec, windows: list[Window], rows: pd.DataFrame) -> list[WindowEstimate]:
    """Every window's expected metrics from its scores, labelled or not (binary scores only)."""
    calibrated = estimate.for_spec(loaded)
    if calibrated is None:
        return []
    threshold = settings(loaded).decision_threshold
    out = []
    for window in windows:
        inside = within(rows, window)
        if not len(inside):
            continue
        try:
            scores = numbers(inside["prediction"], "prediction")
        except DataError as exc:  # as for its realised metrics: this window only, logged
            log.warning("window=%s performance not estimated: %s", window, exc)
            continue
        expected = estimate.estimate(scores, calibrated(scores), threshold)
        out.append(WindowEstimate(window, len(scores), int(inside["target"].notna().sum()), expected))
    return out


def _scored(
    window: Window, rows: int, labelled: pd.DataFrame, labels: Labels, score: bool
) -> WindowPerformance:
    """One window's metrics; unusable values fail this window only, with the reason."""
    try:
        metrics = performance(labelled["target"], labelled["prediction"], labels, score)
    except DataError as exc:
        log.warning("window=%s performance not computed: %s", window, exc)
        return WindowPerformance(window, rows, len(labelled), {}, error=str(exc))
    classes = {} if score or labels.task == "regression" else _per_class(labelled)
    return WindowPerformance(window, rows, len(labelled), metrics, per_class=classes)


def _per_class(labelled: pd.DataFrame) -> dict[str, dict[str, float]]:
    truth, predicted = (
        labelled["target"].astype(str).to_numpy(),
        labelled["prediction"].astype(str).to_numpy(),
    )
    return per_class(truth, predicted)


def refresh(engine: Engine, loaded: LoadedSpec, now: datetime | None = None) -> list[WindowPerformance]:
    """Recompute and store every window of the lookback whose labels have landed."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    ticks = ticks_between(loaded.spec, now - settings(loaded).lookback, now)
    windows = [window_ending(loaded.spec, t) for t in ticks]
    rows = rows_for(loaded, windows, now)
    results = measured(loaded, windows, rows)
    estimates = estimated(loaded, windows, rows)
    performance_rows.replace_windows(engine, loaded.spec, results, now, estimates)
    return results

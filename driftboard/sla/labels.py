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

from driftboard.data import sources
from driftboard.data.cut import select_window, to_utc
from driftboard.errors import DataError
from driftboard.jobs.load import LoadedSpec
from driftboard.jobs.schedule import ticks_between, window_ending
from driftboard.jobs.spec import Labels
from driftboard.jobs.window import Window
from driftboard.results import WindowEstimate, WindowPerformance
from driftboard.sla import estimate
from driftboard.sla.performance import numbers, per_class, performance
from driftboard.store import performance_rows

log = logging.getLogger(__name__)


def settings(loaded: LoadedSpec) -> Labels:
    if loaded.spec.labels is None:
        raise DataError(f"{loaded.path}: the spec has no labels: section")
    return loaded.spec.labels


def predictions(loaded: LoadedSpec, span: Window, as_of: datetime) -> pd.DataFrame:
    """Rows of `span`, sorted by time: at, prediction, target (NaN while unlabelled)."""
    spec, labels = loaded.spec, settings(loaded)
    assert spec.columns.prediction is not None and spec.columns.target is not None  # validated
    frame = select_window(
        sources.load(spec.current, loaded.base_dir, span), spec.timestamp_column, spec.timestamp_timezone,
        span, "current data",
    )  # fmt: skip
    if labels.source is not None:
        frame = _join(frame, loaded, span, as_of)
    _require(frame, [spec.columns.prediction.name, spec.columns.target], "current data")
    at = to_utc(frame[spec.timestamp_column], spec.timestamp_column, spec.timestamp_timezone, "current data")
    out = pd.DataFrame(
        {"at": at, "prediction": frame[spec.columns.prediction.name], "target": frame[spec.columns.target]}
    )
    return out.sort_values("at", kind="stable").reset_index(drop=True)


def _join(frame: pd.DataFrame, loaded: LoadedSpec, span: Window, as_of: datetime) -> pd.DataFrame:
    """Attach the latest label per event that had landed by `as_of` (a correction wins)."""
    labels, target = settings(loaded), loaded.spec.columns.target
    assert labels.source is not None and labels.event_id is not None and target is not None
    found = sources.load(labels.source, loaded.base_dir, span)
    _require(found, [labels.event_id, target, *([labels.labeled_at] if labels.labeled_at else [])], "labels")
    if labels.labeled_at:
        landed = to_utc(found[labels.labeled_at], labels.labeled_at, loaded.spec.timestamp_timezone, "labels")
        found = found.loc[(landed <= as_of).to_numpy()].assign(_landed=landed)
        found = found.sort_values("_landed", kind="stable")
    found = found.drop_duplicates(labels.event_id, keep="last")[[labels.event_id, target]]
    _require(frame, [labels.event_id], "current data")
    return frame.drop(columns=[target], errors="ignore").merge(found, on=labels.event_id, how="left")


def _require(frame: pd.DataFrame, columns: list[str], label: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"{label}: column {', '.join(map(repr, missing))} is missing")


def evaluate(loaded: LoadedSpec, windows: list[Window], as_of: datetime) -> list[WindowPerformance]:
    """The windows whose labelled share reached min_labeled_share, with their metrics."""
    return measured(loaded, windows, _rows(loaded, windows, as_of))


def _rows(loaded: LoadedSpec, windows: list[Window], as_of: datetime) -> pd.DataFrame:
    if not windows:
        return pd.DataFrame(
            {"at": pd.Series([], dtype="datetime64[ns, UTC]"), "prediction": [], "target": []}
        )
    return predictions(loaded, Window(min(w.start for w in windows), max(w.end for w in windows)), as_of)


def _inside(rows: pd.DataFrame, window: Window) -> pd.DataFrame:
    lo, hi = rows["at"].searchsorted([window.start, window.end], side="left")
    return rows.iloc[lo:hi]


def measured(loaded: LoadedSpec, windows: list[Window], rows: pd.DataFrame) -> list[WindowPerformance]:
    labels, prediction = settings(loaded), loaded.spec.columns.prediction
    assert prediction is not None
    results = []
    for window in windows:
        inside = _inside(rows, window)
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
    for window in (w for w in windows if len(_inside(rows, w))):
        inside = _inside(rows, window)
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
    rows = _rows(loaded, windows, now)
    results = measured(loaded, windows, rows)
    estimates = estimated(loaded, windows, rows)
    performance_rows.replace_windows(engine, loaded.spec, results, now, estimates)
    return results

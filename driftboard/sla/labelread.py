"""Reading delayed labels: a span's predictions with their labels as they stood at a time,
from the target column of `current` or from `labels.source` joined by `labels.event_id`."""

from datetime import datetime

import pandas as pd

from driftboard.data import sources
from driftboard.data.cut import select_window, to_utc
from driftboard.errors import DataError
from driftboard.jobs.load import LoadedSpec
from driftboard.jobs.spec import Labels
from driftboard.jobs.window import Window


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


def rows_for(loaded: LoadedSpec, windows: list[Window], as_of: datetime) -> pd.DataFrame:
    """The predictions of every window at once (one read of the source), as `predictions`."""
    if not windows:
        return pd.DataFrame(
            {"at": pd.Series([], dtype="datetime64[ns, UTC]"), "prediction": [], "target": []}
        )
    return predictions(loaded, Window(min(w.start for w in windows), max(w.end for w in windows)), as_of)


def within(rows: pd.DataFrame, window: Window) -> pd.DataFrame:
    """One window's rows of `rows_for` (sorted by time: two binary searches)."""
    lo, hi = rows["at"].searchsorted([window.start, window.end], side="left")
    return rows.iloc[lo:hi]

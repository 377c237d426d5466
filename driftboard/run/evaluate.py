"""One drift run: spec and window in, RunOutcome out. No printing, no scheduling."""

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from driftboard.data import quality, sources
from driftboard.data.cut import select_window
from driftboard.data.fingerprint import fingerprint
from driftboard.drift import scoring
from driftboard.errors import DataError
from driftboard.jobs.load import LoadedSpec
from driftboard.jobs.window import Window
from driftboard.reports import files
from driftboard.results import FeatureOutcome, RunOutcome
from driftboard.settings import KeepReports, get_settings


def load_data(loaded: LoadedSpec, window: Window) -> tuple[pd.DataFrame, pd.DataFrame]:
    spec = loaded.spec
    ref = sources.load(spec.reference, loaded.base_dir, None)
    raw = sources.load(spec.current, loaded.base_dir, window)
    cur = select_window(raw, spec.timestamp_column, spec.timestamp_timezone, window, "current data")
    if cur.empty:
        raise DataError("no rows in window")
    if len(ref) < spec.drift.min_reference_rows:
        raise DataError(
            f"reference data has {len(ref)} rows, fewer than drift.min_reference_rows "
            f"({spec.drift.min_reference_rows})"
        )
    return ref, cur


def feature_outcome(col: quality.Column, result: scoring.DriftResult) -> FeatureOutcome:
    out = FeatureOutcome(col.name, col.role, col.column_type, col.status, col.reason)
    for key, value in quality.quality(col).items():
        setattr(out, key, value)
    if col.status != "ok":
        return out
    if col.name in result.errors:
        out.status, out.reason = "error", result.errors[col.name]
    elif col.name in result.scores:
        s = result.scores[col.name]
        out.stattest, out.score, out.threshold = s.stattest, s.score, s.threshold
        out.drift_detected, out.drift_ratio = s.drift_detected, s.drift_ratio
    else:
        out.status, out.reason = "error", "Evidently returned no result for this column"
    return out


def keep_report(outcome: RunOutcome, reports_dir: Path) -> None:
    """Build and save the report `evaluate` left pending; a failure is said on the run."""
    pending, outcome.report = outcome.report, None
    if pending is None:
        return
    try:
        snapshot = pending.build()
    except Exception as exc:  # the scores stand without the HTML; say so on the run
        outcome.error = f"Evidently report not built: {type(exc).__name__}: {exc}"
        return
    try:
        outcome.report_path = files.save(snapshot, reports_dir, outcome.model, outcome.window)
    except OSError as exc:
        outcome.error = f"Evidently report not saved: {exc}"


def evaluate(
    loaded: LoadedSpec, window: Window, keep: KeepReports, options: scoring.DriftOptions | None = None
) -> RunOutcome:
    """Compute one window. Data problems give a failed outcome with the reason, not an exception.

    A report the run keeps is left pending on `outcome.report` for `keep_report`: the pipeline
    builds it after storing and pushing, so that no result or alert waits for Evidently's HTML.
    """
    spec = loaded.spec
    options = options or scoring.DriftOptions.from_settings(get_settings())
    outcome = RunOutcome(spec.model, window, "failed", datetime.now(UTC), datetime.now(UTC))
    outcome.drift_share_threshold = spec.drift.drift_share
    try:
        ref, cur = load_data(loaded, window)
    except DataError as exc:
        outcome.error, outcome.finished_at = str(exc), datetime.now(UTC)
        return outcome
    outcome.reference_rows, outcome.current_rows = len(ref), len(cur)
    outcome.reference_fingerprint = fingerprint(ref, list(spec.columns.scored()))
    outcome.schema_changes = quality.schema_changes(spec, ref, cur)
    columns = quality.check_columns(spec, ref, cur)
    label = f"model={spec.model} window={window} "
    ok = [c for c in columns if c.status == "ok"]
    result = scoring.score(ok, spec.drift, options, outcome.reference_fingerprint, label)
    outcome.features = [feature_outcome(c, result) for c in columns]
    if outcome.scored:
        outcome.status = "succeeded"
    else:
        outcome.error = "no feature could be scored: " + "; ".join(
            f"{f.feature}: {f.reason}" for f in outcome.features
        )
    if result.report is not None and files.wanted(keep, outcome.n_drifted > 0):
        outcome.report = result.report  # built only later: runs that keep none never pay for it
    outcome.finished_at = datetime.now(UTC)
    return outcome

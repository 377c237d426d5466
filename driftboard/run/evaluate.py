"""One window evaluated: spec and window in, an Evaluation out. No storing, printing or
scheduling; data problems give a failed Evaluation with the reason, never an exception."""

import logging
from dataclasses import asdict, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from driftboard.data import quality
from driftboard.drift import scoring
from driftboard.errors import DataError, SourceUnavailable
from driftboard.jobs.load import LoadedSpec
from driftboard.jobs.spec import DataSource, JobSpec
from driftboard.jobs.window import Window
from driftboard.reports import files
from driftboard.results import Evaluation, FeatureOutcome, FeatureStatus, KeptReport, ReasonClass, RunStatus
from driftboard.run import inputs
from driftboard.settings import KeepReports, get_settings

log = logging.getLogger(__name__)


def feature_outcome(col: quality.Column, result: scoring.DriftResult) -> FeatureOutcome:
    checked = FeatureOutcome(
        col.name, col.role, col.column_type, col.status, col.reason, **asdict(quality.quality(col)),
        reason_class=col.reason_class,
    )  # fmt: skip
    if col.status != FeatureStatus.OK:
        return checked
    failed_test = partial(replace, checked, status=FeatureStatus.ERROR, reason_class=ReasonClass.TEST_FAILED)
    if col.name in result.errors:
        return failed_test(reason=result.errors[col.name])
    if col.name not in result.scores:
        return failed_test(reason="Evidently returned no result")
    s = result.scores[col.name]
    return replace(
        checked,
        stattest=s.stattest,
        score=s.score,
        threshold=s.threshold,
        drift_detected=s.drift_detected,
        drift_ratio=s.drift_ratio,
    )


def keep_report(evaluation: Evaluation, reports_dir: Path) -> KeptReport:
    """Build and save the report `evaluate` left pending; a failure is said, never raised."""
    assert evaluation.report is not None
    try:
        snapshot = evaluation.report.build()
    except Exception as exc:  # the scores stand without the HTML; say so on the run
        return KeptReport(error=f"Evidently report not built: {type(exc).__name__}: {exc}")
    try:
        return KeptReport(path=files.save(snapshot, reports_dir, evaluation.model, evaluation.window))
    except OSError as exc:
        return KeptReport(error=f"Evidently report not saved: {exc}")


def evaluate(
    loaded: LoadedSpec, window: Window, keep: KeepReports, options: scoring.DriftOptions | None = None
) -> Evaluation:
    """Compute one window. A report the run keeps is left pending on `Evaluation.report`: the
    pipeline builds it after storing and pushing, so no result or alert waits for its HTML."""
    started = datetime.now(UTC)
    settings = get_settings()
    options = options or scoring.DriftOptions.from_settings(settings)
    try:
        found = _load(loaded, window, options, settings.window_limit())
    except DataError as exc:  # a source that may come back is worth another attempt; the rest is not
        retry = isinstance(exc, SourceUnavailable)
        return failed(loaded.spec.model, window, started, str(exc), retry, loaded.spec.drift.drift_share)
    return _scored(loaded.spec, window, started, found, keep, options)


def _load(loaded: LoadedSpec, window: Window, options: scoring.DriftOptions, limit: int) -> inputs.Inputs:
    """Spark reads and scores file and spark_sql sources itself; `sql:` sources, and references
    relative to the window (cut from `current` per window), are read here."""
    spec = loaded.spec
    fixed = isinstance(spec.reference, DataSource) and spec.reference.sql is None
    if options.engine == "spark" and fixed and spec.current.sql is None:
        from driftboard.run import sparkinputs  # PySpark is an extra, imported only when chosen

        return sparkinputs.load(loaded, window, options)
    return inputs.load(loaded, window, options, limit)


def _scored(
    spec: JobSpec,
    window: Window,
    started: datetime,
    found: inputs.Inputs,
    keep: KeepReports,
    options: scoring.DriftOptions,
) -> Evaluation:
    ok = [c for c in found.columns if c.status == FeatureStatus.OK]
    label = f"model={spec.model} window={window} "
    result = found.scored or scoring.score(ok, spec.drift, options, found.key, label, found.fresh)
    features = tuple(feature_outcome(c, result) for c in found.columns)
    evaluation = Evaluation(
        spec.model,
        window,
        RunStatus.SUCCEEDED,
        started,
        datetime.now(UTC),
        reference_rows=found.reference_rows,
        current_rows=found.current_rows,
        drift_share_threshold=spec.drift.drift_share,
        schema_changes=found.schema_changes,
        reference_fingerprint=found.key,
        features=features,
    )
    if not evaluation.scored:
        reasons = "; ".join(f"{f.feature}: {f.reason}" for f in features)
        return replace(evaluation, status=RunStatus.FAILED, error=f"no feature could be scored: {reasons}")
    kept = result.report is not None and files.wanted(keep, evaluation.n_drifted > 0)
    return replace(evaluation, report=result.report if kept else None)  # runs that keep none never pay


def evaluate_or_fail(loaded: LoadedSpec, window: Window, keep: KeepReports) -> Evaluation:
    """`evaluate`, never raising: a crash (a bug, a library's own error) is a failed evaluation
    with the reason, stored like any failure, so no later firing repeats it unseen."""
    started = datetime.now(UTC)
    try:
        return evaluate(loaded, window, keep)
    except Exception as exc:
        log.exception("model=%s window=%s run crashed", loaded.spec.model, window)
        return failed(loaded.spec.model, window, started, f"unexpected error: {type(exc).__name__}: {exc}")


def failed(
    model: str,
    window: Window,
    started: datetime,
    error: str,
    retryable: bool = False,
    drift_share: float | None = None,
) -> Evaluation:
    """A window that could not be evaluated, with the reason."""
    now = datetime.now(UTC)
    return Evaluation(
        model, window, RunStatus.FAILED, started, now, error, retryable, drift_share_threshold=drift_share
    )

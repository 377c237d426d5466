"""The Prometheus series of one run, built in a fresh registry (never the process-global one).

Names follow Prometheus conventions (base units, `_seconds`, `_ratio`); alerting/rules read
exactly these, and alerting/config.yml documents what each alert does with them.
"""

from dataclasses import dataclass
from datetime import datetime

from prometheus_client import CollectorRegistry, Gauge

from driftboard import alertconfig
from driftboard.jobs.spec import Alerts
from driftboard.prometheus import dataseries
from driftboard.results import Evaluation, FeatureOutcome, RunStatus

# Spec field → pushed override; absent fields leave alerting/config.yml's default in force.
ALERT_OVERRIDES = {field: alertconfig.override_metric(key) for field, key in alertconfig.LEVELS.items()}


@dataclass(frozen=True)
class RunContext:
    """What the metrics need beyond the run itself, read from the store and the spec."""

    interval_seconds: float
    last_success: datetime | None
    consecutive_drift: dict[str, int]
    alerts: Alerts
    model_drift_runs: int = 0  # consecutive critically drifted runs, from the store
    expected_rows: float | None = None  # median rows of recent windows; None: no baseline yet


def gauge(registry: CollectorRegistry, name: str, doc: str, labels: tuple[str, ...] = ("model",)) -> Gauge:
    return Gauge(name, doc, labels, registry=registry)


def status_registry(outcome: Evaluation, ctx: RunContext) -> CollectorRegistry:
    """Run status only: what a failed run pushes, leaving the last good feature series alone."""
    reg, model = CollectorRegistry(), outcome.model
    gauge(reg, "driftboard_run_success", "1 if the latest run succeeded").labels(model).set(
        outcome.status == RunStatus.SUCCEEDED
    )
    gauge(reg, "driftboard_run_last_run_timestamp_seconds", "End of the latest run").labels(model).set(
        outcome.finished_at.timestamp()
    )
    if ctx.last_success is not None:
        gauge(
            reg, "driftboard_run_last_success_timestamp_seconds", "End of the latest successful run"
        ).labels(model).set(ctx.last_success.timestamp())
    gauge(reg, "driftboard_schedule_interval_seconds", "Schedule period").labels(model).set(
        ctx.interval_seconds
    )
    gauge(reg, "driftboard_run_duration_seconds", "Duration of the latest run").labels(model).set(
        outcome.duration_seconds
    )
    for field, name in ALERT_OVERRIDES.items():
        value = getattr(ctx.alerts, field)
        if value is not None:
            gauge(reg, name, f"Per-model override of the {field} alert level").labels(model).set(value)
    return reg


def run_registry(outcome: Evaluation, ctx: RunContext) -> CollectorRegistry:
    """Everything about a successful run: status, dataset-level and per-feature series."""
    reg = status_registry(outcome, ctx)
    model = outcome.model
    gauge(reg, "driftboard_run_drifted_features_ratio", "Share of scored features drifted").labels(model).set(
        outcome.share_drifted or 0.0
    )
    gauge(reg, "driftboard_run_drifted_features", "Drifted features").labels(model).set(outcome.n_drifted)
    gauge(reg, "driftboard_run_features", "Scored features").labels(model).set(len(outcome.scored))
    gauge(reg, "driftboard_run_dataset_drift", "1 if the dataset drifted").labels(model).set(
        bool(outcome.dataset_drift)
    )
    gauge(reg, "driftboard_run_window_end_timestamp_seconds", "End of the evaluated window").labels(
        model
    ).set(outcome.window.end.timestamp())
    rows = gauge(reg, "driftboard_run_rows", "Rows in the window's data", ("model", "dataset"))
    rows.labels(model, "reference").set(outcome.reference_rows or 0)
    rows.labels(model, "current").set(outcome.current_rows or 0)
    _feature_series(reg, outcome, ctx)
    dataseries.add(reg, outcome, ctx.model_drift_runs, ctx.expected_rows)
    return reg


def _feature_series(reg: CollectorRegistry, outcome: Evaluation, ctx: RunContext) -> None:
    per_test = ("model", "feature", "stattest")
    per_feature = ("model", "feature")
    score = gauge(reg, "driftboard_feature_drift_score", "Drift score of the stattest", per_test)
    threshold = gauge(reg, "driftboard_feature_drift_threshold", "Threshold of the stattest", per_test)
    ratio = gauge(
        reg, "driftboard_feature_drift_ratio", "Severity; 1 = threshold, above = drift", per_feature
    )
    detected = gauge(reg, "driftboard_feature_drift_detected", "1 if the feature drifted", per_feature)
    streak = gauge(reg, "driftboard_feature_drift_consecutive_runs", "Drifted runs in a row", per_feature)
    nulls = gauge(reg, "driftboard_feature_null_ratio", "Null share in the window", per_feature)
    ref_nulls = gauge(
        reg, "driftboard_feature_reference_null_ratio", "Null share in the reference", per_feature
    )
    unseen = gauge(
        reg, "driftboard_feature_unseen_categories_ratio", "Share of unseen categories", per_feature
    )
    for f in outcome.scored:
        assert f.stattest is not None and f.score is not None and f.threshold is not None
        score.labels(outcome.model, f.feature, f.stattest).set(f.score)
        threshold.labels(outcome.model, f.feature, f.stattest).set(f.threshold)
        ratio.labels(outcome.model, f.feature).set(f.drift_ratio or 0.0)
        detected.labels(outcome.model, f.feature).set(bool(f.drift_detected))
        streak.labels(outcome.model, f.feature).set(ctx.consecutive_drift.get(f.feature, 0))
        _quality(f, outcome.model, nulls, ref_nulls, unseen)


def _quality(f: FeatureOutcome, model: str, nulls: Gauge, ref_nulls: Gauge, unseen: Gauge) -> None:
    if f.null_share is not None:
        nulls.labels(model, f.feature).set(f.null_share)
    if f.reference_null_share is not None:
        ref_nulls.labels(model, f.feature).set(f.reference_null_share)
    if f.unseen_share is not None:
        unseen.labels(model, f.feature).set(f.unseen_share)

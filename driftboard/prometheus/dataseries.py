"""The series of a succeeded run's data health, beside its drift series (prometheus.metrics).

Every declared feature gets a status series, scored or not: before, a dead feature's
series simply vanished at the next push and any alert on it resolved. Labels stay bounded
(a status, a reason class, a change kind); free text and added column names stay in the store.
"""

from prometheus_client import CollectorRegistry, Gauge

from driftboard.results import Evaluation, FeatureStatus

SCHEMA_CHANGES = ("missing", "added", "dtype_changed")  # keys of Evaluation.schema_changes


def add(reg: CollectorRegistry, outcome: Evaluation, drift_runs: int, expected_rows: float | None) -> None:
    """`drift_runs`: consecutive critically drifted runs up to this one (from the store);
    `expected_rows`: the median rows of the model's recent windows, None without a baseline."""
    model = outcome.model
    _statuses(reg, outcome)
    _schema(reg, outcome)
    Gauge(
        "driftboard_model_drift_consecutive_runs",
        "Consecutive runs, up to the latest, whose drift reached a critical level",
        ["model"],
        registry=reg,
    ).labels(model).set(drift_runs)
    if expected_rows is not None:
        Gauge(
            "driftboard_run_expected_rows",
            "Median current rows of the model's recent windows",
            ["model"],
            registry=reg,
        ).labels(model).set(expected_rows)


def _statuses(reg: CollectorRegistry, outcome: Evaluation) -> None:
    status = Gauge(
        "driftboard_feature_status",
        "1 for the feature's status in the latest run, with the reason class when not ok",
        ["model", "feature", "status", "reason"],
        registry=reg,
    )
    for f in outcome.features:
        reason = "none" if f.status == FeatureStatus.OK else (f.reason_class or "unknown")
        status.labels(outcome.model, f.feature, f.status, reason).set(1)


def _schema(reg: CollectorRegistry, outcome: Evaluation) -> None:
    changes = outcome.schema_changes or {}
    counts = Gauge(
        "driftboard_run_schema_changes",
        "Columns missing, added or of a changed dtype in the latest window",
        ["model", "change"],
        registry=reg,
    )
    for change in SCHEMA_CHANGES:
        counts.labels(outcome.model, change).set(len(changes.get(change) or ()))
    changed = Gauge(
        "driftboard_feature_dtype_changed",
        "1 for a declared column whose dtype kind differs from the reference's",
        ["model", "feature"],
        registry=reg,
    )
    for feature in changes.get("dtype_changed") or {}:
        changed.labels(outcome.model, feature).set(1)

"""The job spec: one YAML file per monitored model, parsed into typed, validated objects.

Every field is documented in jobs/README.md; keep the two in step. The data sources and
columns live in jobs/dataspec.py, the drift settings in jobs/driftspec.py, the building
blocks in jobs/fields.py; their names are re-exported here, where callers import them.
"""

from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from driftboard.jobs.dataspec import Columns, DataSource, Reference, RelativeReference, SqlSource
from driftboard.jobs.driftspec import Calibration, Drift, TestChoice, check_choice
from driftboard.jobs.fields import MODEL_NAME, Duration, Strict, Timezone

__all__ = [
    "Alerts",
    "Calibration",
    "Columns",
    "DataSource",
    "Drift",
    "JobSpec",
    "Labels",
    "RelativeReference",
    "Schedule",
    "Sla",
    "SqlSource",
    "TestChoice",
]


class Schedule(Strict):
    cron: str | None = Field(None, description="Five-field crontab expression.")
    interval: Duration | None = None
    timezone: Timezone = "UTC"

    @model_validator(mode="after")
    def _one_kind(self) -> "Schedule":
        if (self.cron is None) == (self.interval is None):
            raise ValueError("set exactly one of 'cron' or 'interval'")
        if self.cron is not None:
            from apscheduler.triggers.cron import CronTrigger

            try:
                trigger = CronTrigger.from_crontab(self.cron, timezone=self.timezone)
            except ValueError as exc:
                raise ValueError(f"bad cron expression {self.cron!r}: {exc}") from None
            if trigger.get_next_fire_time(None, datetime.now(UTC)) is None:  # e.g. 30 February
                raise ValueError(f"cron expression {self.cron!r} never fires")
        return self


class Alerts(Strict):
    """Per-model overrides of the alert levels in alerting/config.yml (pushed as metrics)."""

    feature_drift_runs: int | None = Field(None, ge=1)
    drift_share_critical: float | None = Field(None, gt=0, le=1)
    severe_drift_ratio: float | None = Field(None, gt=1)
    null_ratio_increase: float | None = Field(None, gt=0, le=1)
    unseen_categories_ratio: float | None = Field(None, gt=0, le=1)
    stale_intervals: float | None = Field(None, ge=1)
    model_drift_runs: int | None = Field(None, ge=1)
    drift_share_severe: float | None = Field(None, gt=0, le=1)
    low_volume_ratio: float | None = Field(None, gt=0, lt=1)


class Sla(Strict):
    freshness_target: float = Field(0.99, gt=0, le=1)
    healthy_target: float = Field(0.95, gt=0, le=1)


Task = Literal["classification", "regression"]
# log_loss is computed and pushed too but cannot be judged: lower is better, and the SLA views
# (migration 0005) know only mae and rmse as such.
Metric = Literal["accuracy", "precision", "recall", "f1", "roc_auc", "pr_auc", "mae", "rmse", "r2"]
TASK_METRICS: dict[str, tuple[str, ...]] = {
    "classification": ("accuracy", "precision", "recall", "f1", "roc_auc", "pr_auc"),
    "regression": ("mae", "rmse", "r2"),
}


class Labels(Strict):
    """Ground truth that lands after the predictions: performance per window (jobs/README.md)."""

    source: DataSource | None = Field(None, description="Labels apart from `current`, joined by event_id.")
    event_id: str | None = Field(None, description="Column joining `current` rows to `source` rows.")
    labeled_at: str | None = Field(None, description="Column of `source`: when each label landed.")
    task: Task = "classification"
    metric: Metric | None = Field(None, description="What the SLA judges; default f1 or rmse.")
    threshold: float | None = Field(None, description="Healthy at ≥ this (≤ for mae and rmse).")
    decision_threshold: float = Field(0.5, description="A numerical score at or above it predicts 1.")
    min_labeled_share: float = Field(0.9, gt=0, le=1)
    lookback: Duration = timedelta(days=30)
    refresh: Duration = Field(timedelta(days=1), description="How often the scheduler picks labels up.")
    alert_windows: int = Field(1, ge=1, description="DriftboardPerformanceDegraded after this many in a row.")
    severity: Literal["warning", "critical"] | None = Field(
        None, description="Default: alerting/config.yml's."
    )

    @model_validator(mode="after")
    def _consistent(self) -> "Labels":
        if (self.source is None) != (self.event_id is None):
            raise ValueError("'source' and 'event_id' go together")
        if self.labeled_at is not None and self.source is None:
            raise ValueError("'labeled_at' is a column of 'source'")
        if self.metric is not None and self.metric not in TASK_METRICS[self.task]:
            raise ValueError(f"metric {self.metric!r} does not apply to {self.task}")
        return self

    @property
    def judged_metric(self) -> str:
        return self.metric or ("f1" if self.task == "classification" else "rmse")

    def degraded(self, value: float) -> bool:
        """Below the threshold (above it for errors), as the SLA views judge a window unhealthy."""
        if self.threshold is None:
            return False
        lower_is_better = self.judged_metric in ("mae", "rmse")
        return value > self.threshold if lower_is_better else value < self.threshold


class JobSpec(Strict):
    model: str = Field(description="Unique model name: lowercase letters, digits, '.', '_', '-'.")
    description: str = ""
    schedule: Schedule
    window: Duration | None = Field(None, description="Current window length; default: the schedule period.")
    # Data lands late: the window ending at T is evaluated at T + delay, once its rows are in.
    delay: Duration | None = Field(None, description="How long after its end a window is evaluated.")
    # Rows that land after their window was evaluated: the scheduler counts the last K
    # windows' rows again at each firing and re-evaluates those that changed (run/late.py).
    late_windows: int = Field(0, ge=0, le=100, description="Windows re-checked for late rows.")
    timestamp_column: str
    timestamp_timezone: Timezone | None = Field(None, description="Zone of naive timestamps.")
    reference: Reference
    current: DataSource
    columns: Columns
    drift: Drift = Drift()
    alerts: Alerts = Alerts()
    sla: Sla = Sla()
    labels: Labels | None = None
    retrain: bool = Field(False, description="Retrain hook at critical drift or degraded performance.")

    @field_validator("model")
    @classmethod
    def _model_name(cls, v: str) -> str:
        if not MODEL_NAME.fullmatch(v):
            raise ValueError(f"{v!r} is not a model name: use lowercase letters, digits, '.', '_', '-'")
        return v

    @model_validator(mode="after")
    def _tests_fit_columns(self) -> "JobSpec":
        if self.current.refresh is not None:
            raise ValueError("current.refresh: only the reference is cached; remove it")
        scored = self.columns.scored()
        unknown = sorted(set(self.drift.per_column) - set(scored))
        if unknown:
            raise ValueError(f"drift.per_column names undeclared columns: {', '.join(unknown)}")
        for column, column_type in scored.items():
            check_choice(column, column_type, self.drift.choice_for(column, column_type))
        if self.labels is not None:
            _check_labels(self.columns, self.labels)
        return self


def _check_labels(columns: Columns, labels: Labels) -> None:
    if columns.target is None or columns.prediction is None:
        raise ValueError("labels need columns.target and columns.prediction")
    if labels.judged_metric in ("roc_auc", "pr_auc") and columns.prediction.type != "numerical":
        raise ValueError(f"{labels.judged_metric} needs a numerical prediction (a score)")

"""The job spec: one YAML file per monitored model, parsed into typed, validated objects.

Every field is documented in jobs/README.md; keep the two in step.
"""

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from driftboard.jobs import stattests
from driftboard.jobs.durations import duration_of
from driftboard.jobs.relative import parse_offset, previous_windows, shifted
from driftboard.jobs.window import Window

MODEL_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,62}")
Duration = Annotated[timedelta, BeforeValidator(duration_of)]
# What the store's columns hold (driftboard/store/models.py): a longer name would pass
# validation and then fail every run on PostgreSQL ("value too long for type varchar(255)").
COLUMN_NAME_MAX = 255


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_timezone(name: object) -> str:
    hint = "use an IANA name such as 'UTC' or 'Europe/Paris'"
    if name is None or name == "":
        raise ValueError(f"the timezone is blank ({hint})")
    if not isinstance(name, str):  # a number in YAML: not a zone either
        raise ValueError(f"{name!r} is not a timezone ({hint})")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown timezone {name!r} (use an IANA name such as 'UTC' or 'Europe/Paris')"
        ) from None
    return name


Timezone = Annotated[str, BeforeValidator(_check_timezone)]


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


class SqlSource(Strict):
    url_env: str | None = Field(None, description="Environment variable holding the SQLAlchemy URL.")
    url: str | None = Field(None, description="Literal URL; never put a password here.")
    query: str
    # A runaway query must not hold a worker (and its window lock) for hours: on PostgreSQL
    # the server cancels it, and the run fails with a reason naming this setting.
    statement_timeout: Duration = Field(timedelta(minutes=5), description="Longest one query may run.")

    @model_validator(mode="after")
    def _one_url(self) -> "SqlSource":
        if (self.url is None) == (self.url_env is None):
            raise ValueError("set exactly one of 'url_env' or 'url'")
        return self


class DataSource(Strict):
    path: str | None = Field(
        None,
        description="CSV or Parquet file, glob or folder (hive partitions), local or s3://, gs://, az://.",
    )
    sql: SqlSource | None = None
    spark_sql: str | None = Field(
        None,
        description="Spark SQL over the Spark catalog's tables (DRIFTBOARD_DRIFT_ENGINE=spark only); "
        "the current window's bounds bind :window_start and :window_end.",
    )
    # A file reference is re-read when a file changes; a query cannot tell, so it is re-read
    # once per period (jobs/README.md, Reference cache).
    refresh: Duration | None = Field(
        None, description="reference.sql or reference.spark_sql only: re-read period (default 1d)."
    )

    @model_validator(mode="after")
    def _one_kind(self) -> "DataSource":
        if [self.path, self.sql, self.spark_sql].count(None) != 2:
            raise ValueError("set exactly one of 'path', 'sql' or 'spark_sql'")
        if (
            self.path is not None
            and "://" in self.path
            and "@" in self.path.split("://", 1)[1].split("/", 1)[0]
        ):
            raise ValueError(
                "credentials do not belong in the path: use the environment or the provider's chain"
            )
        if self.refresh is not None and self.path is not None:
            raise ValueError("'refresh' applies to a SQL reference only (files are re-read when they change)")
        return self


class RelativeReference(Strict):
    """A reference cut from `current` relative to each window (jobs/README.md, References)."""

    previous: int | None = Field(None, ge=1, le=1000, description="The N windows before this one.")
    offset: str | None = Field(None, description="The same window shifted back: '1w', '1y'.")

    @field_validator("offset")
    @classmethod
    def _offset(cls, v: str | None) -> str | None:
        if v is not None:
            parse_offset(v)
        return v

    @model_validator(mode="after")
    def _one_kind(self) -> "RelativeReference":
        if (self.previous is None) == (self.offset is None):
            raise ValueError("set exactly one of 'previous' or 'offset'")
        return self

    def window_for(self, window: Window) -> Window:
        if self.previous is not None:
            return previous_windows(window, self.previous)
        return shifted(window, parse_offset(self.offset))

    def describe(self) -> str:
        return f"previous: {self.previous}" if self.previous is not None else f"offset: {self.offset}"


def _reference_kind(value: object) -> str:
    """Tags are dropped from error locations by jobs/load.py, so errors name `reference.x`."""
    if isinstance(value, RelativeReference):
        return "reference-relative"
    if isinstance(value, dict) and ("previous" in value or "offset" in value):
        return "reference-relative"
    return "reference-source"


Reference = Annotated[
    Annotated[DataSource, Tag("reference-source")] | Annotated[RelativeReference, Tag("reference-relative")],
    Discriminator(_reference_kind),
]


def _column_name(name: str) -> str:
    if not name:
        raise ValueError("a column name cannot be empty")
    if len(name) > COLUMN_NAME_MAX:
        raise ValueError(
            f"a column name of {len(name)} characters: the store keeps at most {COLUMN_NAME_MAX}"
        )
    return name


ColumnName = Annotated[str, AfterValidator(_column_name)]


class Prediction(Strict):
    name: ColumnName
    type: stattests.ColumnType = "numerical"


class Columns(Strict):
    numerical: list[ColumnName] = []
    categorical: list[ColumnName] = []
    prediction: Prediction | None = None
    target: str | None = None
    # Labels usually land after the run, so the target is scored only when asked to: where the
    # current data holds it at run time, its drift (label shift) is a row of its own.
    target_drift: stattests.ColumnType | None = Field(
        None, description="Score the target's drift as this type."
    )
    ignored: list[str] = []

    @model_validator(mode="after")
    def _roles_disjoint(self) -> "Columns":
        roles = {"numerical": self.numerical, "categorical": self.categorical, "ignored": self.ignored}
        roles["prediction"] = [self.prediction.name] if self.prediction else []
        roles["target"] = [self.target] if self.target else []
        seen: dict[str, str] = {}
        for role, names in roles.items():
            for name in names:
                if name in seen:
                    raise ValueError(f"column {name!r} is listed as both {seen[name]} and {role}")
                seen[name] = role
        if not self.numerical and not self.categorical and not self.prediction:
            raise ValueError("declare at least one numerical, categorical or prediction column")
        if self.target_drift is not None and self.target is None:
            raise ValueError("target_drift needs a target column")
        return self

    def scored(self) -> dict[str, stattests.ColumnType]:
        """Columns whose drift is measured, with their type, in spec order."""
        typed: dict[str, stattests.ColumnType] = dict.fromkeys(self.numerical, "numerical")
        typed.update(dict.fromkeys(self.categorical, "categorical"))
        if self.prediction:
            typed[self.prediction.name] = self.prediction.type
        if self.target and self.target_drift:
            typed[self.target] = self.target_drift
        return typed

    def role(self, name: str) -> str:
        """feature, prediction or target: how results and the heatmap name a scored column."""
        if self.prediction and name == self.prediction.name:
            return "prediction"
        return "target" if name == self.target else "feature"


def _known_stattest(name: str) -> str:
    if name not in stattests.CATALOGUE:
        raise ValueError(f"unknown stattest {name!r}; known: {', '.join(sorted(stattests.CATALOGUE))}")
    return name


StatTestId = Annotated[str, AfterValidator(_known_stattest)]


# "calibrated": learned from the reference's own variability (driftboard/drift/calibrate.py).
def _threshold(value: object) -> object:
    """One message for both forms, instead of one per member of the union."""
    if value is None or value == "calibrated":
        return value
    try:
        number = (
            float(value) if isinstance(value, str | int | float) and not isinstance(value, bool) else None
        )
    except ValueError:
        number = None
    if number is None:
        raise ValueError(f"{value!r} is not a threshold: a number above 0, or 'calibrated'")
    if not number > 0:
        raise ValueError("Input should be greater than 0")
    return number


Threshold = Annotated[float | Literal["calibrated"] | None, BeforeValidator(_threshold)]


class TestChoice(Strict):
    method: StatTestId | None = Field(None, description="Evidently stattest id; default: its choice.")
    threshold: Threshold = None

    def fixed(self) -> "TestChoice":
        return TestChoice(method=self.method, threshold=_fixed(self.threshold))


def _fixed(threshold: float | str | None) -> float | None:
    return threshold if isinstance(threshold, float | int) else None


class Calibration(Strict):
    """How a calibrated threshold is learned: docs/calibrated-thresholds.md."""

    quantile: float = Field(0.99, gt=0.5, lt=1)
    method: Literal["bootstrap", "chunks"] = "bootstrap"
    samples: int = Field(200, ge=10, le=10_000)


class Drift(Strict):
    method: StatTestId | None = None
    threshold: Threshold = None
    numerical: TestChoice = TestChoice()
    categorical: TestChoice = TestChoice()
    per_column: dict[str, TestChoice] = {}
    drift_share: float = Field(0.5, gt=0, le=1)
    min_reference_rows: int = Field(30, ge=1)
    calibration: Calibration = Calibration()

    def calibrated(self, column: str, column_type: stattests.ColumnType) -> bool:
        return self.choice_for(column, column_type).threshold == "calibrated"

    def fixed(self) -> "Drift":
        """These settings with every calibrated threshold left to the test's default: what the
        engines score with (and the profile cache's key) before calibration re-flags."""
        return self.model_copy(
            update={
                "threshold": _fixed(self.threshold),
                "numerical": self.numerical.fixed(),
                "categorical": self.categorical.fixed(),
                "per_column": {c: t.fixed() for c, t in self.per_column.items()},
                "calibration": Calibration(),
            }
        )

    def choice_for(self, column: str, column_type: stattests.ColumnType) -> TestChoice:
        """Per column beats per type beats global, as in Evidently's DataDriftPreset."""
        by_type = self.numerical if column_type == "numerical" else self.categorical
        own = self.per_column.get(column, TestChoice())
        return TestChoice(
            method=own.method or by_type.method or self.method,
            threshold=own.threshold or by_type.threshold or self.threshold,
        )


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
            _check_choice(column, column_type, self.drift.choice_for(column, column_type))
        if self.labels is not None:
            _check_labels(self.columns, self.labels)
        return self


def _check_labels(columns: Columns, labels: Labels) -> None:
    if columns.target is None or columns.prediction is None:
        raise ValueError("labels need columns.target and columns.prediction")
    if labels.judged_metric in ("roc_auc", "pr_auc") and columns.prediction.type != "numerical":
        raise ValueError(f"{labels.judged_metric} needs a numerical prediction (a score)")


def _check_choice(column: str, column_type: stattests.ColumnType, choice: "TestChoice") -> None:
    if choice.method is None:
        return
    test = stattests.CATALOGUE[choice.method]
    if column_type not in test.column_types:
        raise ValueError(f"stattest {test.id!r} does not apply to {column_type} column {column!r}")
    if test.pvalue and isinstance(choice.threshold, float) and choice.threshold >= 1:
        raise ValueError(f"column {column!r}: p-value threshold {choice.threshold} must be below 1")

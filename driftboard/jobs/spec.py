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
    Field,
    field_validator,
    model_validator,
)

from driftboard.jobs import stattests
from driftboard.jobs.durations import duration_of

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
        return self

    def scored(self) -> dict[str, stattests.ColumnType]:
        """Columns whose drift is measured, with their type, in spec order."""
        typed: dict[str, stattests.ColumnType] = dict.fromkeys(self.numerical, "numerical")
        typed.update(dict.fromkeys(self.categorical, "categorical"))
        if self.prediction:
            typed[self.prediction.name] = self.prediction.type
        return typed


def _known_stattest(name: str) -> str:
    if name not in stattests.CATALOGUE:
        raise ValueError(f"unknown stattest {name!r}; known: {', '.join(sorted(stattests.CATALOGUE))}")
    return name


StatTestId = Annotated[str, AfterValidator(_known_stattest)]


class TestChoice(Strict):
    method: StatTestId | None = Field(None, description="Evidently stattest id; default: its choice.")
    threshold: float | None = Field(None, gt=0)


class Drift(Strict):
    method: StatTestId | None = None
    threshold: float | None = Field(None, gt=0)
    numerical: TestChoice = TestChoice()
    categorical: TestChoice = TestChoice()
    per_column: dict[str, TestChoice] = {}
    drift_share: float = Field(0.5, gt=0, le=1)
    min_reference_rows: int = Field(30, ge=1)

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
Metric = Literal["accuracy", "precision", "recall", "f1", "roc_auc", "mae", "rmse", "r2"]
TASK_METRICS: dict[str, tuple[str, ...]] = {
    "classification": ("accuracy", "precision", "recall", "f1", "roc_auc"),
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


class JobSpec(Strict):
    model: str = Field(description="Unique model name: lowercase letters, digits, '.', '_', '-'.")
    description: str = ""
    schedule: Schedule
    window: Duration | None = Field(None, description="Current window length; default: the schedule period.")
    timestamp_column: str
    timestamp_timezone: Timezone | None = Field(None, description="Zone of naive timestamps.")
    reference: DataSource
    current: DataSource
    columns: Columns
    drift: Drift = Drift()
    alerts: Alerts = Alerts()
    sla: Sla = Sla()
    labels: Labels | None = None
    retrain: bool = Field(False, description="Call the deployment's retrain hook at critical drift.")

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
    if labels.judged_metric == "roc_auc" and columns.prediction.type != "numerical":
        raise ValueError("roc_auc needs a numerical prediction (a score)")


def _check_choice(column: str, column_type: stattests.ColumnType, choice: "TestChoice") -> None:
    if choice.method is None:
        return
    test = stattests.CATALOGUE[choice.method]
    if column_type not in test.column_types:
        raise ValueError(f"stattest {test.id!r} does not apply to {column_type} column {column!r}")
    if test.pvalue and choice.threshold is not None and choice.threshold >= 1:
        raise ValueError(f"column {column!r}: p-value threshold {choice.threshold} must be below 1")

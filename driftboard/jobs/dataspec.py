"""The spec's data: where the reference and current data come from, and which columns they
hold in which role (jobs/README.md, Sources and Columns)."""

from datetime import timedelta
from typing import Annotated

from pydantic import (
    AfterValidator,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from driftboard.jobs import stattests
from driftboard.jobs.fields import COLUMN_NAME_MAX, Duration, Strict
from driftboard.jobs.relative import parse_offset, previous_windows, shifted
from driftboard.jobs.window import Window


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
    numerical: list[ColumnName] = Field(default_factory=list)
    categorical: list[ColumnName] = Field(default_factory=list)
    prediction: Prediction | None = None
    target: str | None = None
    # Labels usually land after the run, so the target is scored only when asked to: where the
    # current data holds it at run time, its drift (label shift) is a row of its own.
    target_drift: stattests.ColumnType | None = Field(
        None, description="Score the target's drift as this type."
    )
    ignored: list[str] = Field(default_factory=list)

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

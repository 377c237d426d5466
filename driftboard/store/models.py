"""Tables of the results store. Change them only together with a migration in migrations/."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    bindparam,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.types import TypeDecorator

# Deterministic constraint names, so migrations can drop and alter them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL needs 64 bits for feature rows.
BigId = BigInteger().with_variant(Integer, "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out, also on SQLite, which stores no zone."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("refusing to store a timezone-naive datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def text_with_times(sql: str, *names: str) -> TextClause:
    """Raw SQL whose named time parameters are bound as UTCDateTime binds them: SQLite
    compares the stored text, so the format must be the same."""
    return text(sql).bindparams(*(bindparam(n, type_=UTCDateTime()) for n in names))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Run(Base):
    """One evaluation of one model over one window; re-running the window replaces it."""

    __tablename__ = "runs"
    __table_args__ = (
        UniqueConstraint("model", "window_start", "window_end"),
        Index("ix_runs_model_window_end", "model", "window_end"),
        Index("ix_runs_model_finished_at", "model", "finished_at"),  # migration 0010: the SLA views
        # Every model's runs in a time range (overview, job health), an index-only read. 0006.
        Index("ix_runs_window_end", "window_end", postgresql_include=["model", "status", "share_drifted"]),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    model: Mapped[str] = mapped_column(String(63))
    window_start: Mapped[datetime] = mapped_column(UTCDateTime())
    window_end: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16))  # succeeded | failed
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime())
    duration_seconds: Mapped[float] = mapped_column(Float)
    reference_rows: Mapped[int | None] = mapped_column(Integer)
    current_rows: Mapped[int | None] = mapped_column(Integer)
    n_features: Mapped[int | None] = mapped_column(Integer)
    n_drifted: Mapped[int | None] = mapped_column(Integer)
    share_drifted: Mapped[float | None] = mapped_column(Float)
    dataset_drift: Mapped[bool | None] = mapped_column(Boolean)
    drift_share_threshold: Mapped[float | None] = mapped_column(Float)
    schema_changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    report_path: Mapped[str | None] = mapped_column(Text)
    reference_fingerprint: Mapped[str | None] = mapped_column(String(64))
    # Set after the transaction that stored the run: a Pushgateway outage never loses results.
    pushed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    push_error: Mapped[str | None] = mapped_column(Text)
    driftboard_version: Mapped[str] = mapped_column(String(32))
    evidently_version: Mapped[str | None] = mapped_column(String(32))

    features: Mapped[list["FeatureResult"]] = relationship(
        back_populates="run", cascade="all, delete-orphan", passive_deletes=True
    )


class FeatureResult(Base):
    """Drift and data quality of one feature in one run.

    On PostgreSQL the table is partitioned by month of window_end (migration 0006), so its
    primary and unique keys there also include window_end; migrations/env.py explains why
    `alembic check` does not compare them.
    """

    __tablename__ = "feature_results"
    __table_args__ = (
        UniqueConstraint("run_id", "feature"),
        # Model and window_end are copied from the run so the heatmap reads one index range,
        # in time order and (PostgreSQL, migration 0006) without touching the table.
        Index(
            "ix_feature_results_model_window_end",
            "model",
            "window_end",
            postgresql_include=["feature", "drift_ratio"],
        ),
        # One model's chosen features over a range (heatmap, drill-down); INCLUDE makes the
        # heatmap's cells an index-only read on PostgreSQL. Migration 0006.
        Index(
            "ix_feature_results_model_feature_window_end",
            "model",
            "feature",
            "window_end",
            postgresql_include=["drift_ratio", "drift_detected"],
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    model: Mapped[str] = mapped_column(String(63))
    window_end: Mapped[datetime] = mapped_column(UTCDateTime())
    feature: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))  # feature | prediction
    column_type: Mapped[str] = mapped_column(String(16))  # numerical | categorical
    status: Mapped[str] = mapped_column(String(16))  # ok | skipped | error
    reason: Mapped[str | None] = mapped_column(Text)
    stattest: Mapped[str | None] = mapped_column(String(32))
    score: Mapped[float | None] = mapped_column(Float)
    threshold: Mapped[float | None] = mapped_column(Float)
    drift_ratio: Mapped[float | None] = mapped_column(Float)
    drift_detected: Mapped[bool | None] = mapped_column(Boolean)
    reference_count: Mapped[int | None] = mapped_column(Integer)
    current_count: Mapped[int | None] = mapped_column(Integer)
    null_share: Mapped[float | None] = mapped_column(Float)
    reference_null_share: Mapped[float | None] = mapped_column(Float)
    unseen_share: Mapped[float | None] = mapped_column(Float)

    run: Mapped[Run] = relationship(back_populates="features")


class FeatureDaily(Base):
    """Per model, UTC day and feature, the worst drift ratio of that day's runs (migration 0007).

    A rollup of feature_results, kept exact by driftboard.store.rollup in the transaction that writes
    or deletes the rows, so the heatmap ranks a month of features from ~3,000 rows, not 72,000
    (plus the raw rows of the range's partial first and last days).
    """

    __tablename__ = "feature_daily"

    model: Mapped[str] = mapped_column(String(63), primary_key=True)
    day: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)  # the UTC day's start
    feature: Mapped[str] = mapped_column(String(255), primary_key=True)
    max_ratio: Mapped[float | None] = mapped_column(Float)
    drifted_runs: Mapped[int] = mapped_column(Integer)
    runs: Mapped[int] = mapped_column(Integer)


class MonitoredModel(Base):
    """What the SLA views need to know of a model's spec; upserted with each of its runs.

    The database otherwise knows neither the schedule nor the SLO targets and alert levels.
    """

    __tablename__ = "monitored_models"

    model: Mapped[str] = mapped_column(String(63), primary_key=True)
    interval_seconds: Mapped[float] = mapped_column(Float)
    freshness_target: Mapped[float] = mapped_column(Float)
    healthy_target: Mapped[float] = mapped_column(Float)
    severe_drift_ratio: Mapped[float] = mapped_column(Float)
    drift_share_critical: Mapped[float] = mapped_column(Float)
    feature_drift_runs: Mapped[int] = mapped_column(Integer)
    stale_intervals: Mapped[float] = mapped_column(Float)  # migration 0008
    performance_metric: Mapped[str | None] = mapped_column(String(16))
    performance_threshold: Mapped[float | None] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PerformanceResult(Base):
    """One performance metric of one window, computed once enough delayed labels landed."""

    __tablename__ = "performance_results"
    __table_args__ = (UniqueConstraint("model", "window_end", "metric"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    model: Mapped[str] = mapped_column(String(63))
    window_start: Mapped[datetime] = mapped_column(UTCDateTime())
    window_end: Mapped[datetime] = mapped_column(UTCDateTime())
    metric: Mapped[str] = mapped_column(String(16))
    value: Mapped[float] = mapped_column(Float)
    n_rows: Mapped[int] = mapped_column(Integer)  # predictions in the window
    n_labeled: Mapped[int] = mapped_column(Integer)  # of which have a label
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())

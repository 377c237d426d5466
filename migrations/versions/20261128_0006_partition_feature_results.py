"""partition feature_results by month; indexes for the dashboards

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 17:00:00

A year of hourly runs of 100 models × 100 features is ~88M feature rows. On PostgreSQL
feature_results becomes RANGE-partitioned by window_end, one partition per UTC month, so a
dashboard's time range reads one or two months and retention drops whole months instead of
deleting rows (driftboard/store/partitions.py keeps months ahead and applies retention daily). A
partition key must be part of every unique constraint: the primary key becomes (id,
window_end) and the unique key (run_id, feature, window_end), which means the same since a
run has one window_end. A DEFAULT partition takes any row no month partition covers, so no
write is ever refused. Partitions are created here for every month with runs up to
MONTHS_AHEAD months after now; later rows go to the default until maintenance makes theirs.

The rows move inside the migration: the new table is filled bare and indexed afterwards,
which is faster than maintaining its indexes row by row. The SLA views read the table, so
they are dropped and recreated from 0005's own SQL, two of them with one more condition
that lets PostgreSQL skip partitions (PRUNED, below; same results), and the Grafana role's
SELECT is granted again. Downgrade recreates 0005's views exactly.

Indexes, chosen with EXPLAIN ANALYZE at that scale (BENCHMARKS.md): the heatmap reads one
model's cells in time order from (model, window_end) INCLUDE (feature, drift_ratio), an
index-only scan; its ranking, feature list and the drill-down read one model's chosen features
from the new (model, feature, window_end) INCLUDE (drift_ratio, drift_detected); the overview
and job-health panels read every model's runs in a range from the new runs (window_end)
INCLUDE (model, status, share_drifted). SQLite gets the two new indexes (it has no INCLUDE).
Partitions vacuum after 2 % new rows instead of 20 %: index-only scans need the visibility map
VACUUM sets, and the dashboards read mostly the newest rows. Downgrade restores 0005's plain
table with its rows.
"""

import importlib.util
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Literal names, not driftboard's: a migration must keep meaning what it meant when written.
TABLE, OLD, SEQUENCE = "feature_results", "feature_results_moving", "feature_results_id_seq"
ROLE = "driftboard_grafana"
VIEWS = ("sla_models", "sla_runs", "sla_feature_windows", "sla_incidents")  # in creation order
MONTHS_AHEAD = 3
NEW_INDEX = "ix_feature_results_model_feature_window_end"
TIME_INDEX = "ix_feature_results_model_window_end"
RUNS_INDEX = "ix_runs_window_end"
VACUUM_SOONER = "WITH (autovacuum_vacuum_insert_scale_factor = 0.02)"
UTC_TS = sa.DateTime(timezone=True)


def columns() -> list[sa.Column]:  # type: ignore[type-arg]
    """feature_results' columns as 0001 made them, in order (INSERT ... SELECT * relies on it)."""
    text, real, integer = sa.Text(), sa.Float(), sa.Integer()
    return [
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("run_id", sa.BigInteger(), nullable=False),
        sa.Column("model", sa.String(length=63), nullable=False),
        sa.Column("window_end", UTC_TS, nullable=False),
        sa.Column("feature", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("column_type", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", text, nullable=True),
        sa.Column("stattest", sa.String(length=32), nullable=True),
        *(sa.Column(name, real, nullable=True) for name in ("score", "threshold", "drift_ratio")),
        sa.Column("drift_detected", sa.Boolean(), nullable=True),
        *(sa.Column(name, integer, nullable=True) for name in ("reference_count", "current_count")),
        *(sa.Column(n, real, nullable=True) for n in ("null_share", "reference_null_share", "unseen_share")),
    ]


def month_start(moment: datetime, months_later: int = 0) -> datetime:
    """The UTC month's first instant; the driver returns times in the session's time zone."""
    moment = moment.astimezone(UTC)
    index = moment.year * 12 + moment.month - 1 + months_later
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def months_to_create(first: datetime | None, now: datetime) -> list[datetime]:
    """From the oldest run's month (this month when empty) to MONTHS_AHEAD after this one."""
    month, last = month_start(min(first or now, now)), month_start(now, MONTHS_AHEAD)
    months = []
    while month <= last:
        months.append(month)
        month = month_start(month, 1)
    return months


def create_partitions() -> None:
    first = op.get_bind().scalar(sa.text("SELECT min(window_end) FROM runs"))
    for month in months_to_create(first, datetime.now(UTC)):
        bounds = (f"{m:%Y-%m-%d} 00:00:00+00" for m in (month, month_start(month, 1)))
        op.execute(
            f"CREATE TABLE {TABLE}_p{month:%Y%m} PARTITION OF {TABLE} "
            "FOR VALUES FROM ('{}') TO ('{}') ".format(*bounds)
            + VACUUM_SOONER
        )
    op.execute(f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT {VACUUM_SOONER}")


# On PostgreSQL two SLA views look a run's feature rows up by run_id, which is no partition key:
# every month's partition would be probed for every run (SLA panels 2.5-4.5 times slower with
# 17 partitions). Also matching the run's window_end, equal to its feature rows' by
# construction (driftboard/store/runs.py), lets the executor probe one partition.
PRUNED = {
    "sla_runs": ("WHERE f.run_id = r.id)", "WHERE f.run_id = r.id AND f.window_end = r.window_end)"),
    "sla_incidents": (
        "ON f.run_id = seq.run_id AND",
        "ON f.run_id = seq.run_id AND f.window_end = seq.window_end AND",
    ),
}


def sla_views(pruned: bool) -> dict[str, str]:
    """0005's own view SQL (its module, so downgrade restores exactly that), maybe pruned."""
    path = Path(__file__).with_name("20261128_0005_sla.py")
    spec = importlib.util.spec_from_file_location("driftboard_migration_0005", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    views: dict[str, str] = module.view_sql("postgresql")
    for name, (old, new) in PRUNED.items() if pruned else ():
        assert old in views[name], name
        views[name] = views[name].replace(old, new)
    return views


def drop_views() -> None:
    for name in reversed(VIEWS):
        op.execute(f"DROP VIEW {name}")


def create_views(pruned: bool) -> None:
    for name, sql in sla_views(pruned).items():
        op.execute(f"CREATE VIEW {name} AS {sql}")
    op.execute(
        f"DO $$ BEGIN IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '{ROLE}') THEN "
        f"GRANT SELECT ON {', '.join([TABLE, *VIEWS])} TO {ROLE}; END IF; END $$"
    )


def set_aside() -> None:
    """Rename the current table and free its constraint and index names for the new one."""
    op.execute(f"ALTER TABLE {TABLE} RENAME TO {OLD}")
    for constraint in ("pk_feature_results", "fk_feature_results_run_id_runs", *unique_names()):
        op.execute(f"ALTER TABLE {OLD} DROP CONSTRAINT IF EXISTS {constraint}")
    for index in (TIME_INDEX, NEW_INDEX):
        op.execute(f"DROP INDEX IF EXISTS {index}")


def unique_names() -> tuple[str, str]:
    return "uq_feature_results_run_id_feature", "uq_feature_results_run_id_feature_window_end"


def move_rows() -> None:
    """Copy every row with its id; the id sequence moves too, so new ids continue from it."""
    op.execute(f"INSERT INTO {TABLE} SELECT * FROM {OLD}")
    op.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id SET DEFAULT nextval('{SEQUENCE}'::regclass)")
    op.execute(f"ALTER SEQUENCE {SEQUENCE} OWNED BY {TABLE}.id")
    op.execute(f"DROP TABLE {OLD}")


def add_keys(key: list[str], unique: list[str], unique_name: str, include: list[str]) -> None:
    op.create_primary_key("pk_feature_results", TABLE, key)
    op.create_unique_constraint(unique_name, TABLE, unique)
    op.create_foreign_key(
        "fk_feature_results_run_id_runs", TABLE, "runs", ["run_id"], ["id"], ondelete="CASCADE"
    )
    op.create_index(TIME_INDEX, TABLE, ["model", "window_end"], postgresql_include=include)


def create_new_indexes() -> None:
    op.create_index(
        NEW_INDEX,
        TABLE,
        ["model", "feature", "window_end"],
        postgresql_include=["drift_ratio", "drift_detected"],
    )
    op.create_index(
        RUNS_INDEX, "runs", ["window_end"], postgresql_include=["model", "status", "share_drifted"]
    )


def drop_new_indexes() -> None:
    op.drop_index(RUNS_INDEX, table_name="runs")
    op.drop_index(NEW_INDEX, table_name=TABLE)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        create_new_indexes()
        return
    drop_views()
    set_aside()
    op.create_table(TABLE, *columns(), postgresql_partition_by="RANGE (window_end)")
    create_partitions()
    move_rows()
    add_keys(
        ["id", "window_end"],
        ["run_id", "feature", "window_end"],
        unique_names()[1],
        ["feature", "drift_ratio"],
    )
    create_new_indexes()
    op.execute(f"ANALYZE {TABLE}")  # autovacuum never analyzes a partitioned parent
    create_views(pruned=True)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        drop_new_indexes()
        return
    op.drop_index(RUNS_INDEX, table_name="runs")
    drop_views()
    set_aside()
    op.create_table(TABLE, *columns())
    move_rows()  # drops the partitioned table with its partitions
    add_keys(["id"], ["run_id", "feature"], unique_names()[0], [])
    op.execute(f"ANALYZE {TABLE}")
    create_views(pruned=False)

"""runs and feature results

Revision ID: 0001
Revises:
Create Date: 2026-11-28 13:37:30

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Plain types here, not driftboard's: a migration must keep meaning what it meant when written.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("model", sa.String(length=63), nullable=False),
        sa.Column("window_start", UTC, nullable=False),
        sa.Column("window_end", UTC, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("started_at", UTC, nullable=False),
        sa.Column("finished_at", UTC, nullable=False),
        sa.Column("duration_seconds", sa.Float(), nullable=False),
        sa.Column("reference_rows", sa.Integer(), nullable=True),
        sa.Column("current_rows", sa.Integer(), nullable=True),
        sa.Column("n_features", sa.Integer(), nullable=True),
        sa.Column("n_drifted", sa.Integer(), nullable=True),
        sa.Column("share_drifted", sa.Float(), nullable=True),
        sa.Column("dataset_drift", sa.Boolean(), nullable=True),
        sa.Column("drift_share_threshold", sa.Float(), nullable=True),
        sa.Column("schema_changes", sa.JSON(), nullable=True),
        sa.Column("report_path", sa.Text(), nullable=True),
        sa.Column("reference_fingerprint", sa.String(length=64), nullable=True),
        sa.Column("driftboard_version", sa.String(length=32), nullable=False),
        sa.Column("evidently_version", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runs")),
        sa.UniqueConstraint(
            "model", "window_start", "window_end", name=op.f("uq_runs_model_window_start_window_end")
        ),
    )
    op.create_index("ix_runs_model_window_end", "runs", ["model", "window_end"])
    op.create_table(
        "feature_results",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("run_id", BigId, nullable=False),
        sa.Column("model", sa.String(length=63), nullable=False),
        sa.Column("window_end", UTC, nullable=False),
        sa.Column("feature", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("column_type", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("stattest", sa.String(length=32), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("threshold", sa.Float(), nullable=True),
        sa.Column("drift_ratio", sa.Float(), nullable=True),
        sa.Column("drift_detected", sa.Boolean(), nullable=True),
        sa.Column("reference_count", sa.Integer(), nullable=True),
        sa.Column("current_count", sa.Integer(), nullable=True),
        sa.Column("null_share", sa.Float(), nullable=True),
        sa.Column("reference_null_share", sa.Float(), nullable=True),
        sa.Column("unseen_share", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_feature_results_run_id_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feature_results")),
        sa.UniqueConstraint("run_id", "feature", name=op.f("uq_feature_results_run_id_feature")),
    )
    op.create_index("ix_feature_results_model_window_end", "feature_results", ["model", "window_end"])


def downgrade() -> None:
    op.drop_index("ix_feature_results_model_window_end", table_name="feature_results")
    op.drop_table("feature_results")
    op.drop_index("ix_runs_model_window_end", table_name="runs")
    op.drop_table("runs")

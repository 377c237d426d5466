"""Migration 0005: its views on both backends, Grafana's grants, and later batch migrations."""

import shutil
from pathlib import Path

import psycopg2.errors
import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from driftboard.store import connect, schema
from tests.support.repo import REPO

VIEWS = {"sla_models", "sla_runs", "sla_feature_windows", "sla_incidents"}
LATER = '''"""a later batch migration of runs"""
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"


def upgrade() -> None:
    with op.batch_alter_table("runs", recreate="always") as batch:
        batch.add_column(sa.Column("later", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("runs", recreate="always") as batch:
        batch.drop_column("later")
'''


def before_sla(engine: Engine) -> str:
    """The revision 0005 follows (the chain may be re-ordered when branches merge)."""
    down = ScriptDirectory.from_config(schema.alembic_config(engine)).get_revision("0005").down_revision
    assert isinstance(down, str)
    return down


def test_views_come_and_go_with_the_revision(store_url: str) -> None:
    engine = connect.make_engine(store_url)
    assert set(inspect(engine).get_view_names()) >= VIEWS
    schema.downgrade(engine, before_sla(engine))
    assert not VIEWS & set(inspect(engine).get_view_names())
    assert "monitored_models" not in inspect(engine).get_table_names()
    schema.upgrade(engine)
    schema.check(engine)  # the views are not mistaken for tables the models lack
    engine.dispose()


def test_a_later_sqlite_batch_migration_keeps_the_views(tmp_path: Path, sla_sqlite_url: str) -> None:
    """SQLite rebuilds a batch-altered table and renames it back, which it refuses while a view
    names the table unless migrations/env.py sets legacy_alter_table."""
    scripts = tmp_path / "migrations"
    shutil.copytree(REPO / "migrations", scripts, ignore=shutil.ignore_patterns("__pycache__"))
    store = tmp_path / "store.db"
    shutil.copy(sla_sqlite_url.removeprefix("sqlite:///"), store)
    engine = connect.make_engine(f"sqlite:///{store}")
    (scripts / "versions" / "9999_later.py").write_text(LATER.format(head=schema.head_revision(engine)))
    config = schema.alembic_config(engine)
    config.set_main_option("script_location", str(scripts))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "9999")
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM sla_runs WHERE model = 'alpha'")) == 21
        assert "later" in {c["name"] for c in inspect(conn).get_columns("runs")}
    engine.dispose()


def test_grafana_reads_the_views_only(sla_grafana: Engine) -> None:
    with sla_grafana.connect() as conn:
        for view in sorted(VIEWS):
            assert conn.scalar(text(f"SELECT count(*) FROM {view}")) > 0, view
    # monitored_models only through sla_models; performance_results became readable in 0011,
    # for the performance dashboard (tests/dashboards/test_dashboards_role.py lists the grants).
    with pytest.raises(DBAPIError) as caught, sla_grafana.connect() as conn:
        conn.execute(text("SELECT * FROM monitored_models"))
    assert isinstance(caught.value.orig, psycopg2.errors.InsufficientPrivilege)

"""Migration 0003's read-only role for Grafana, and setting its password from the environment.

The test server trusts 127.0.0.1, so logging in does not check the password; the stored
SCRAM verifier is checked against the password instead (RFC 5802 / RFC 7677).
"""

import base64
import hashlib
import hmac
import logging
from pathlib import Path

import psycopg2.errors
import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from driftboard.cli import app
from driftboard.settings import get_settings
from driftboard.store import connect, grafana_role, schema
from tests.support.dashboard_support import PASSWORD
from tests.support.databases import create_pg_database, drop_pg_database

ROLE = grafana_role.ROLE


def scram_matches(verifier: str, password: str) -> bool:
    """Whether a SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey> verifier is this password's."""
    method, rest = verifier.split("$", 1)
    iterations_salt, keys = rest.split("$")
    iterations, salt = iterations_salt.split(":")
    stored_key, server_key = (base64.b64decode(k) for k in keys.split(":"))
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    return (
        method == "SCRAM-SHA-256"
        and hashlib.sha256(client_key).digest() == stored_key
        and hmac.new(salted, b"Server Key", "sha256").digest() == server_key
    )


def stored_verifier(engine: Engine) -> str:
    with engine.connect() as conn:
        return conn.scalar(text("SELECT rolpassword FROM pg_authid WHERE rolname = :r"), {"r": ROLE})


def test_password_is_stored_as_a_verifier_of_the_password(admin: Engine, grafana: Engine) -> None:
    verifier = stored_verifier(admin)
    assert scram_matches(verifier, PASSWORD)
    assert not scram_matches(verifier, PASSWORD + "x")  # the check can fail


def test_grafana_reads_the_dashboard_tables(grafana: Engine) -> None:
    with grafana.connect() as conn:
        assert conn.scalar(text("SELECT current_user")) == ROLE
        assert conn.scalar(text("SELECT count(*) FROM runs")) > 0
        assert conn.scalar(text("SELECT count(*) FROM feature_results")) > 0


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO runs (model, window_start, window_end, status, started_at, finished_at,"
        " duration_seconds, driftboard_version) VALUES ('m', now(), now(), 'failed', now(), now(), 0, 'x')",
        "UPDATE runs SET status = 'failed'",
        "DELETE FROM feature_results",
        "TRUNCATE runs",
        "CREATE TABLE grafana_was_here (x int)",
        "CREATE SCHEMA grafana_was_here",
        "DROP TABLE runs",
        "ALTER TABLE runs ADD COLUMN x int",
        "SELECT * FROM alembic_version",  # not a dashboard table: not granted
        "CREATE TEMP TABLE grafana_was_here (x int)",  # refused by the read-only default
    ],
)
def test_grafana_can_change_nothing_and_read_nothing_else(grafana: Engine, statement: str) -> None:
    with pytest.raises(DBAPIError) as caught, grafana.connect() as conn:
        conn.execute(text(statement))
    assert isinstance(
        caught.value.orig, psycopg2.errors.InsufficientPrivilege | psycopg2.errors.ReadOnlySqlTransaction
    )


def test_the_grants_hold_even_when_the_role_turns_read_only_off(grafana: Engine) -> None:
    with grafana.connect() as conn:
        conn.execute(text("SET default_transaction_read_only = off"))
        conn.execute(text("SET transaction_read_only = off"))
        with pytest.raises(DBAPIError) as caught:
            conn.execute(text("DELETE FROM runs"))
    assert isinstance(caught.value.orig, psycopg2.errors.InsufficientPrivilege)


def test_exactly_the_dashboard_tables_are_granted(admin: Engine) -> None:
    with admin.connect() as conn:
        grants = conn.execute(
            text(
                "SELECT table_name, privilege_type FROM information_schema.role_table_grants "
                "WHERE grantee = :r"
            ),
            {"r": ROLE},
        ).all()
        views = ["sla_feature_windows", "sla_incidents", "sla_models", "sla_runs"]  # migration 0005
        tables = ["feature_results", "runs", "feature_daily"]  # feature_daily: migration 0007
        tables += ["performance_results", "performance_estimates", "class_performance"]  # migration 0011
        assert sorted(grants) == sorted((name, "SELECT") for name in tables + views)
        assert conn.scalar(text("SELECT has_schema_privilege(:r, 'public', 'CREATE')"), {"r": ROLE}) is False
        attributes = conn.execute(
            text("SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = :r"),
            {"r": ROLE},
        ).one()
        assert tuple(attributes) == (True, False, False, False)


@pytest.mark.postgres
def test_downgrade_revokes_and_upgrade_grants_again() -> None:
    url = create_pg_database("driftboard_role")
    engine = connect.make_engine(url)
    try:
        schema.upgrade(engine)
        assert granted(engine)
        schema.downgrade(engine, "0002")
        assert not granted(engine)
        schema.upgrade(engine)
        assert granted(engine)
    finally:
        engine.dispose()
        drop_pg_database(url)


def granted(engine: Engine) -> bool:
    with engine.connect() as conn:
        query = (
            "SELECT has_table_privilege(:r, 'runs', 'SELECT') "
            "AND has_database_privilege(:r, current_database(), 'CONNECT')"
        )
        # The role is per cluster, so it may have been dropped by another database's downgrade.
        exists = conn.scalar(text("SELECT count(*) FROM pg_roles WHERE rolname = :r"), {"r": ROLE})
        return bool(exists) and bool(conn.scalar(text(query), {"r": ROLE}))


def test_migrations_stay_in_step_with_the_models(seeded_pg_url: str, tmp_path: Path) -> None:
    for url in (seeded_pg_url, f"sqlite:///{tmp_path / 'store.db'}"):
        engine = connect.make_engine(url)
        schema.upgrade(engine)  # on SQLite 0003 does nothing, but must apply
        schema.check(engine)  # raises when `alembic check` would find a difference
        assert schema.current_revision(engine) == schema.head_revision(engine)
        engine.dispose()


def test_password_comes_from_the_environment_only() -> None:
    with pytest.raises(grafana_role.GrafanaRoleError, match=grafana_role.PASSWORD_ENV):
        grafana_role.password_from_env({})
    assert grafana_role.password_from_env({grafana_role.PASSWORD_ENV: "p"}) == "p"
    with pytest.raises(grafana_role.GrafanaRoleError, match="PostgreSQL"):
        grafana_role.set_password(create_engine("sqlite://"), "p")


def test_cli_sets_the_password_without_showing_it(
    seeded_pg_url: str, admin: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "cli-secret-Zq8!"
    monkeypatch.setenv("DRIFTBOARD_DATABASE_URL", seeded_pg_url)
    monkeypatch.setenv(grafana_role.PASSWORD_ENV, secret)
    get_settings.cache_clear()
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)  # as with echo=True
    try:
        with caplog.at_level(logging.DEBUG):
            result = CliRunner().invoke(app, ["db", "grant-grafana"])
    finally:
        logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert scram_matches(stored_verifier(admin), secret)
    assert "ALTER ROLE" in caplog.text  # the statement was logged...
    assert secret not in caplog.text
    assert secret not in result.output


def test_cli_refuses_without_a_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(grafana_role.PASSWORD_ENV, raising=False)
    result = CliRunner().invoke(app, ["db", "grant-grafana"])
    assert result.exit_code == 2
    assert grafana_role.PASSWORD_ENV in result.output

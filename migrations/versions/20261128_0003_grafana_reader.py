"""grafana reader role

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 14:00:00

Grafana reads the store through its own login role, allowed to SELECT the two tables the
dashboards read and nothing else. The role gets no password here: migrations are code and
end up in logs; `driftboard db grant-grafana` sets it from the environment at deploy time.
Roles are per PostgreSQL cluster, not per database, so several driftboard databases on
one server share the role; downgrading one database drops the role only when no other
database still grants it something. SQLite has no roles: this revision does nothing there.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Literal names, not driftboard's constants: a migration must keep meaning what it meant.
ROLE = "driftboard_grafana"
TABLES = "runs, feature_results"

CREATE_ROLE = f"""
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '{ROLE}') THEN
    CREATE ROLE {ROLE} LOGIN;
  END IF;
EXCEPTION
  -- Two databases migrating at once: the other one created it first.
  WHEN duplicate_object OR unique_violation THEN NULL;
  WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'role {ROLE} is missing and % may not create roles', current_user
      USING HINT = 'As an administrator run CREATE ROLE {ROLE} LOGIN, then driftboard db upgrade again.';
END $$"""

# CONNECT is PUBLIC's by default, so failing to grant it (not the database owner) only warns.
GRANT_CONNECT = f"""
DO $$
BEGIN
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO {ROLE}', current_database());
EXCEPTION WHEN insufficient_privilege THEN
  RAISE WARNING 'could not grant CONNECT on % to {ROLE}: it relies on PUBLIC having it', current_database();
END $$"""

# Per-database defaults for the role: its transactions are read-only unless it asks otherwise
# (a second guard behind the grants), a runaway dashboard query is cut off, and the tables
# resolve in this schema. Setting them needs CREATEROLE; without it they are skipped.
ROLE_SETTINGS = f"""
DO $$
DECLARE
  db text := current_database();
BEGIN
  EXECUTE format('ALTER ROLE {ROLE} IN DATABASE %I SET default_transaction_read_only = on', db);
  EXECUTE format('ALTER ROLE {ROLE} IN DATABASE %I SET statement_timeout = %L', db, '30s');
  EXECUTE format('ALTER ROLE {ROLE} IN DATABASE %I SET search_path = %I', db, current_schema());
EXCEPTION WHEN insufficient_privilege THEN
  RAISE WARNING 'could not set the defaults of {ROLE} (needs CREATEROLE); its grants still apply';
END $$"""

REVOKE = f"""
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '{ROLE}') THEN
    REVOKE SELECT ON {TABLES} FROM {ROLE};
    EXECUTE format('REVOKE USAGE ON SCHEMA %I FROM {ROLE}', current_schema());
    EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM {ROLE}', current_database());
    EXECUTE format('ALTER ROLE {ROLE} IN DATABASE %I RESET ALL', current_database());
  END IF;
END $$"""

# A separate block: its exception handler must not undo the revokes above.
DROP_ROLE = f"""
DO $$
BEGIN
  DROP ROLE IF EXISTS {ROLE};
EXCEPTION WHEN dependent_objects_still_exist THEN
  RAISE NOTICE 'role {ROLE} is still granted privileges in another database; kept';
END $$"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(CREATE_ROLE)
    op.execute(GRANT_CONNECT)
    op.execute(f"DO $$ BEGIN EXECUTE format('GRANT USAGE ON SCHEMA %I TO {ROLE}', current_schema()); END $$")
    op.execute(f"GRANT SELECT ON {TABLES} TO {ROLE}")
    op.execute(ROLE_SETTINGS)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(REVOKE)
    op.execute(DROP_ROLE)

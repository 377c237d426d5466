"""The read-only role Grafana logs in with: its password, set from the environment.

Migration 0003 creates the role and its grants without a password. This sets one at deploy
time. The password is hashed here, client-side, into the SCRAM-SHA-256 verifier PostgreSQL
stores (what psql's \\password does): the plain text never reaches the server, so it cannot
end up in the server's statement log, and it is never logged or printed here either.
"""

import os
from collections.abc import Mapping

from psycopg2.extensions import encrypt_password
from sqlalchemy import Engine, text

ROLE = "driftboard_grafana"
PASSWORD_ENV = "DRIFTBOARD_GRAFANA_DB_PASSWORD"


class GrafanaRoleError(RuntimeError):
    """The password cannot be set; the message says what to do."""


def password_from_env(environ: Mapping[str, str] = os.environ) -> str:
    password = environ.get(PASSWORD_ENV, "")
    if not password:
        raise GrafanaRoleError(f"set {PASSWORD_ENV} to the password Grafana's datasource will use")
    return password


def set_password(engine: Engine, password: str) -> None:
    if engine.dialect.name != "postgresql":
        raise GrafanaRoleError("the Grafana role exists only in a PostgreSQL store")
    with engine.begin() as conn:
        if conn.scalar(text("SELECT count(*) FROM pg_catalog.pg_roles WHERE rolname = :r"), {"r": ROLE}) == 0:
            raise GrafanaRoleError(f"role {ROLE} does not exist: run `driftboard db upgrade` first")
        dbapi = conn.connection.dbapi_connection
        verifier = encrypt_password(password, ROLE, dbapi, "scram-sha-256")
        # The role name is a constant; the verifier is bound, and psycopg2 quotes it.
        conn.execute(text(f"ALTER ROLE {ROLE} PASSWORD :verifier"), {"verifier": verifier})

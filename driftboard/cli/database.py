"""`driftboard db ...`: the results store's schema, upkeep and Grafana's read-only role."""

from datetime import UTC, datetime
from typing import Annotated

import typer

from driftboard.cli.options import app, fail, load_settings
from driftboard.errors import StoreError

db_app = typer.Typer(no_args_is_help=True, help="Manage the results database schema (Alembic).")
app.add_typer(db_app, name="db")


def migrate_store(direction: str, revision: str) -> str:
    from driftboard.store import connect, schema

    engine = connect.settings_engine(load_settings())
    try:
        return schema.migrate(engine, direction, revision)
    except schema.BadRevision as exc:
        fail(str(exc), 2)
    finally:
        engine.dispose()


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations up to REVISION (default: head)."""
    try:
        typer.echo(migrate_store("upgrade", revision))
    except StoreError as exc:
        fail(str(exc), 3)


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument()]) -> None:
    """Revert migrations down to REVISION ('base' for an empty database)."""
    try:
        typer.echo(migrate_store("downgrade", revision))
    except StoreError as exc:
        fail(str(exc), 3)


@db_app.command("maintain")
def db_maintain() -> None:
    """Create the coming months' partitions and apply DRIFTBOARD_RETENTION_DAYS (the scheduler: daily)."""
    from sqlalchemy.exc import SQLAlchemyError

    from driftboard.errors import describe_db_error
    from driftboard.store import connect, maintenance

    try:
        engine = connect.open_store(load_settings())
        typer.echo(maintenance.describe(maintenance.run(engine, load_settings(), datetime.now(UTC))))
    except StoreError as exc:
        fail(str(exc), 3)
    except SQLAlchemyError as exc:
        fail(describe_db_error(exc), 3)


@db_app.command("grant-grafana")
def db_grant_grafana() -> None:
    """Set the password of Grafana's read-only role from $DRIFTBOARD_GRAFANA_DB_PASSWORD."""
    from sqlalchemy.exc import SQLAlchemyError

    from driftboard.errors import describe_db_error
    from driftboard.store import connect, grafana_role

    try:
        password = grafana_role.password_from_env()
        grafana_role.set_password(connect.settings_engine(load_settings()), password)
    except grafana_role.GrafanaRoleError as exc:
        fail(str(exc), 2)
    except SQLAlchemyError as exc:  # the driver's message only: never the URL and its password
        fail(describe_db_error(exc), 3)
    except StoreError as exc:
        fail(str(exc), 3)
    typer.echo(f"password of role {grafana_role.ROLE} set (stored as a SCRAM-SHA-256 verifier)")

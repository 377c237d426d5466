"""The flow of one run, end to end: window → data → results → one transaction → metrics."""

from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from driftboard import db, store
from driftboard.errors import describe_db_error
from driftboard.results import RunOutcome
from driftboard.runner import evaluate
from driftboard.schedule import Window, window_ending
from driftboard.settings import Settings
from driftboard.specload import LoadedSpec


class StoreError(RuntimeError):
    """The results database is unreachable or not migrated: nothing was written."""


def open_store(settings: Settings) -> Engine:
    """Connect and check the schema before any work, so a run never computes for nothing."""
    engine = db.make_engine(settings.database_url.get_secret_value())
    try:
        db.ensure_schema(engine)
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot reach the results database: {describe_db_error(exc)}") from None
    except db.SchemaNotCurrent as exc:
        raise StoreError(str(exc)) from None
    return engine


def run_window(engine: Engine, loaded: LoadedSpec, window: Window, settings: Settings) -> RunOutcome:
    outcome = evaluate(loaded, window, settings.reports_dir, settings.keep_reports)
    try:
        store.save(engine, outcome)
    except SQLAlchemyError as exc:
        raise StoreError(f"could not store the run: {describe_db_error(exc)}") from None
    return outcome


def run_once(loaded: LoadedSpec, at: datetime, settings: Settings) -> RunOutcome:
    engine = open_store(settings)
    try:
        return run_window(engine, loaded, window_ending(loaded.spec, at), settings)
    finally:
        engine.dispose()


def migrate(settings: Settings, direction: str, revision: str) -> str:
    engine = db.make_engine(settings.database_url.get_secret_value())
    try:
        (db.upgrade if direction == "upgrade" else db.downgrade)(engine, revision)
        return f"database at revision {db.current_revision(engine) or 'base (empty)'}"
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot migrate the results database: {describe_db_error(exc)}") from None
    finally:
        engine.dispose()

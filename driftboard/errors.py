"""Errors that end a run with a reason a person can act on."""

from sqlalchemy.exc import DBAPIError, SQLAlchemyError


class DataError(Exception):
    """The run's data cannot be used; the message names the file, query or column."""


class SourceUnavailable(DataError):
    """The source database could not be reached: worth retrying, unlike other data errors."""


class StoreError(RuntimeError):
    """The results database is unreachable, not migrated, or refused the write: nothing of the
    run was stored."""


def describe_db_error(exc: SQLAlchemyError) -> str:
    """The driver's first line, without SQLAlchemy's SQL echo, parameters or help links.

    Connection errors from libpq name host and port but never the password; the URL is
    never formatted into the message.
    """
    original = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    return lines[0] if lines else type(original).__name__

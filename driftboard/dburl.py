"""Database URLs as people write them, parsed without ever echoing a password.

Both the results store (driftboard.store) and SQL sources (driftboard.data.sources) read
URLs from the environment; this is the one place that turns them into SQLAlchemy URLs.

Hosting platforms and most tools hand out `postgres://` or `postgresql://` URLs. SQLAlchemy
refuses the first and, since 2.1, maps the second to psycopg 3, while driftboard ships
psycopg2: both are pointed at the PostgreSQL driver that is installed here.
"""

import importlib.util

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError


class BadUrl(ValueError):
    """A database URL that cannot be used; the message completes "DRIFTBOARD_DATABASE_URL ...".

    It never repeats the URL or the parser's words: `driver://user:secret/db` (no host) makes
    SQLAlchemy say "invalid literal for int() with base 10: 'secret'", the password read as a
    port."""


class MissingDriver(BadUrl):
    """The URL names a database driver that is not installed here (or one driftboard cannot use)."""


URL_FORM = "is not a valid SQLAlchemy URL (the form is dialect+driver://user:password@host:port/database)"
# PostgreSQL drivers by SQLAlchemy name → the module that must be importable, most preferred first.
PG_DRIVERS = {"psycopg2": "psycopg2", "psycopg": "psycopg", "pg8000": "pg8000"}


def parse_url(url: str) -> URL:
    try:
        return make_url(url)
    except (ArgumentError, ValueError):
        raise BadUrl(URL_FORM) from None


def installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def postgres_driver() -> str:
    """The first PostgreSQL driver installed here (psycopg2, which driftboard depends on)."""
    return next((name for name, module in PG_DRIVERS.items() if installed(module)), "psycopg2")


def normalize(url: URL) -> URL:
    """`postgres://` and `postgresql://` → the installed driver; anything else unchanged."""
    if url.drivername in ("postgres", "postgresql"):
        return url.set(drivername=f"postgresql+{postgres_driver()}")
    if url.drivername.startswith("postgres+"):
        return url.set(drivername="postgresql+" + url.drivername.split("+", 1)[1])
    return url


def engine_url(url: str) -> URL:
    """The URL to create an engine from: parsed, normalized, its driver checked.

    A driver that is missing fails here, in one line naming it, instead of as an import
    traceback from inside create_engine.
    """
    parsed = normalize(parse_url(url))
    try:
        dialect = parsed.get_dialect()
    except NoSuchModuleError:
        raise MissingDriver(f"names an unknown database dialect {parsed.drivername!r}") from None
    driver = f"{parsed.get_backend_name()}+{dialect.driver}"
    if getattr(dialect, "is_async", False):
        raise MissingDriver(f"names the asyncio driver {driver!r}: use a blocking one (e.g. psycopg2)")
    try:
        dialect.import_dbapi()
    except ImportError:
        hint = " or write postgresql:// to use psycopg2" if parsed.get_backend_name() == "postgresql" else ""
        raise MissingDriver(
            f"names driver {driver!r}, which is not installed here (install it{hint})"
        ) from None
    return parsed

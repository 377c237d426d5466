"""Database URLs as people write them, parsed without ever echoing a password.

Both the results store (driftboard.store) and SQL sources (driftboard.data.sources) read
URLs from the environment; this is the one place that turns them into SQLAlchemy URLs.
"""

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError


class BadUrl(ValueError):
    """A database URL that does not parse. The message never repeats the URL or the parser's
    words: `driver://user:secret/db` (no host) makes SQLAlchemy say "invalid literal for
    int() with base 10: 'secret'", the password read as a port."""


URL_FORM = "not a valid SQLAlchemy URL (the form is dialect+driver://user:password@host:port/database)"


def parse_url(url: str) -> URL:
    try:
        return make_url(url)
    except (ArgumentError, ValueError):
        raise BadUrl(URL_FORM) from None

"""One run per window, even with several schedulers on one PostgreSQL store.

A transaction-level advisory lock keyed on (model, window) is held while the window is
computed and stored; whoever takes it next re-checks the store and skips a window that
already succeeded. No table is needed, and a crashed holder releases the lock with its
connection. SQLite stores serve one scheduler process, so there is nothing to lock.
"""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, text

from driftboard.jobs.window import Window

# First half of the two-int lock key: keeps driftboard's locks apart from other
# applications' advisory locks in the same database ("drft" in ASCII).
LOCK_NAMESPACE = 0x64726674


def lock_key(model: str, window: Window) -> int:
    """A stable signed 32-bit key; a rare collision only serialises two windows, never skips one."""
    name = f"{model}|{window.start.isoformat()}|{window.end.isoformat()}".encode()
    return int.from_bytes(hashlib.sha256(name).digest()[:4], "big", signed=True)


@contextmanager
def window_lock(engine: Engine, model: str, window: Window) -> Iterator[Connection]:
    """Hold the window's lock for the duration of the block (PostgreSQL); waits for a holder."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(
                text("SELECT pg_advisory_xact_lock(:ns, :key)"),
                {"ns": LOCK_NAMESPACE, "key": lock_key(model, window)},
            )
        try:
            yield conn
        finally:
            conn.rollback()  # ends the lock's transaction; nothing was written on this connection

"""pytest plugin: the session-scoped `spark` fixture, one local Spark (`local[2]`) for the run.

Registered in tests/conftest.py's `pytest_plugins`; a test using it is marked `spark`
(deselected by `make test-fast`). Its JVM takes 15-40 s to start, so it starts once, on first
use, and stops at the end of the session. A missing Java or PySpark is an error, not a skip.
"""

from collections.abc import Iterator
from typing import Any

import pytest

from driftboard.drift.spark import session

MASTER = "local[2]"


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    found = session.get(MASTER)
    try:
        yield found
    finally:
        found.stop()

"""pytest plugin: the session-scoped `alerting_stack` fixture (see tests/support/realstack.py).

Registered once for the whole suite in tests/conftest.py's `pytest_plugins`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.realstack import Stack, start_stack


@pytest.fixture(scope="session")
def alerting_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """One real Pushgateway + Prometheus + Alertmanager for the session (about 6 s to start).

    Tests share it: isolate them with unique model names. A missing binary is an error,
    not a skip.
    """
    stack = start_stack(tmp_path_factory.mktemp("alerting-stack"))
    try:
        yield stack
    finally:
        stack.stop()

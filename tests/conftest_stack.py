"""pytest plugin: the session-scoped `alerting_stack` fixture (see tests/realstack.py).

Register it once for the whole suite from tests/conftest.py with
`pytest_plugins = ["tests.conftest_stack"]`; test modules that need it may also name it
in their own `pytest_plugins`, which pytest then loads only once.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.realstack import Stack, start_stack


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

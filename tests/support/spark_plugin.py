"""pytest plugin: the session-scoped `spark` fixture, one local Spark (`local[2]`) for the run,
and `spark_connect`, a Spark Connect server in that same JVM.

Registered in tests/conftest.py's `pytest_plugins`; a test using either is marked `spark`
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


@pytest.fixture(scope="session")
def spark_connect(spark: Any) -> Iterator[str]:
    """The `sc://` address of a Connect server started in the local Spark's JVM (no second
    JVM to wait for), on a free loopback port: what the engine is pointed at on a cluster."""
    context = spark._jsc.sc()
    context.conf().set("spark.connect.grpc.binding.address", "127.0.0.1")
    context.conf().set("spark.connect.grpc.binding.port", "0")  # 0: any free port
    service = getattr(
        getattr(spark._jvm.org.apache.spark.sql.connect.service, "SparkConnectService$"), "MODULE$"
    )
    service.start(context)
    address = f"sc://127.0.0.1:{service.localPort()}"
    try:
        yield address
    finally:
        service.stop(getattr(service, "stop$default$1")(), getattr(service, "stop$default$2")())

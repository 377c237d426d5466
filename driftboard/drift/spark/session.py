"""The SparkSession the engine computes in: Spark Connect (`sc://…`) or a classic master.

One session per process, made on first use and reused: a local JVM takes 25-40 s to start.
The UI is off and everything binds to loopback unless the user's Spark config says otherwise.
"""

import logging
import os
import threading
import warnings
from typing import Any

from driftboard.errors import DataError

log = logging.getLogger(__name__)
LOCAL_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.sql.session.timeZone": "UTC",  # window bounds and timestamps are compared in UTC
    "spark.sql.shuffle.partitions": "8",  # the per-column tables are small; 200 tasks cost more
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}
_LOCK = threading.Lock()
# PySpark 4 warns on every Arrow exchange that pandas 3 is "not yet fully supported": the engine
# hands Spark Arrow tables and collects plain rows, never pandas frames (docs/spark.md).
warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas", FutureWarning)


def _builder(master: str) -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise DataError(
            "DRIFTBOARD_DRIFT_ENGINE=spark needs PySpark: pip install 'driftboard[spark]'"
        ) from None
    builder = SparkSession.builder.appName("driftboard")
    if master.startswith("sc://"):  # Spark Connect: the server owns its configuration
        try:
            import grpc  # noqa: F401  (the Connect client's transport, in pyspark[connect])
        except ImportError:
            raise DataError(
                f"{master}: Spark Connect needs its client: pip install 'pyspark[connect]'"
            ) from None
        return builder.remote(master)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # else Spark binds the host's address
    builder = builder.master(master)
    for key, value in LOCAL_CONF.items():
        builder = builder.config(key, value)
    return builder


def get(master: str) -> Any:
    """The process's session on `master` (e.g. `local[2]`, `spark://host:7077`, `sc://host`)."""
    with _LOCK:
        spark = _builder(master).getOrCreate()
        if not master.startswith("sc://"):
            spark.sparkContext.setLogLevel("ERROR")  # Spark's INFO lines would drown the run's log
        return spark

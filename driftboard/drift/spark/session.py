"""The SparkSession the engine computes in: Spark Connect (`sc://…`) or a classic master.

One session per process, made on first use and reused: a local JVM takes 25-40 s to start.
The UI is off and everything binds to loopback unless the user's Spark config says otherwise.
"""

import logging
import os
import sys
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
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}
# The ordered pass's window holds one bucket (ordered.BUCKET_VALUES rows, give or take) at a time:
# past Spark's default of 4096 rows it moves them into a sorter, several times slower.
WINDOW_ROWS = ("spark.sql.windowExec.buffer.in.memory.threshold", "4096", str(2 * 250_000))
SHUFFLE = "spark.sql.shuffle.partitions"
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
    if master.startswith("sc://"):  # Spark Connect: the server owns its configuration
        return _connect(master)  # (the engine sets one runtime setting of its session: get)
    builder = SparkSession.builder.appName("driftboard")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # else Spark binds the host's address
    builder = builder.master(master)
    if master.startswith("local"):  # Python workers (UDFs, arrowsource.py) need this venv's packages
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    for key, value in LOCAL_CONF.items():
        builder = builder.config(key, value)
    return builder


def _connect(master: str) -> Any:
    """A Spark Connect client session. PySpark's functions build Connect columns only in a
    process whose sessions are remote: one process cannot score both ways (tests use two)."""
    try:
        import grpc  # noqa: F401  (the Connect client's transport, in pyspark[connect])
        from pyspark.sql import SparkSession
    except ImportError:
        raise DataError(f"{master}: Spark Connect needs its client: pip install 'pyspark[connect]'") from None
    return SparkSession.builder.remote(master)


def get(master: str) -> Any:
    """The process's session on `master` (e.g. `local[2]`, `spark://host:7077`, `sc://host`)."""
    with _LOCK:
        spark = _builder(master).getOrCreate()
        key, default, rows = WINDOW_ROWS
        if spark.conf.get(key) == default:  # left at Spark's default, on any session
            spark.conf.set(key, rows)
        if not master.startswith("sc://"):
            _tune_classic(spark, master)
        return spark


def _tune_classic(spark: Any, master: str) -> None:
    spark.sparkContext.setLogLevel("ERROR")  # Spark's INFO lines would drown the run's log
    if master.startswith("local") and not spark.sparkContext.getConf().contains(SHUFFLE):
        # Spark's 200 shuffle partitions are for clusters: on local cores each costs a task
        spark.conf.set(SHUFFLE, str(2 * spark.sparkContext.defaultParallelism))

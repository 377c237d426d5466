"""A run's inputs read and reduced by Spark (DRIFTBOARD_DRIFT_ENGINE=spark, file or spark_sql
sources): the reference's tables from the cache or counted once, the window counted where it
lies, the checks and the scores computed there. Only per-column results reach this process.
"""

from py4j.protocol import Py4JError
from pyspark.errors import PySparkException
from pyspark.sql import DataFrame

from driftboard.data import quality
from driftboard.drift import scoring
from driftboard.drift.spark import refcache, session, sides, sparkread, sparkscore, tables
from driftboard.errors import DataError
from driftboard.jobs.load import LoadedSpec
from driftboard.jobs.spec import DataSource
from driftboard.jobs.window import Window
from driftboard.results import FeatureStatus
from driftboard.run.inputs import Inputs, clock


def load(loaded: LoadedSpec, window: Window, options: scoring.DriftOptions) -> Inputs:
    try:
        return _load(loaded, window, options)
    except (PySparkException, Py4JError) as exc:  # a job failed in Spark: its first line says why
        raise DataError(f"Spark: {sparkread.first_line(exc)}") from None


def _load(loaded: LoadedSpec, window: Window, options: scoring.DriftOptions) -> Inputs:
    spec, spark, reference = loaded.spec, session.get(options.spark_master), loaded.spec.reference
    if not isinstance(reference, DataSource):  # evaluate reads relative references in process
        raise DataError("the spark engine reads a fixed reference only")
    scored = spec.columns.scored()
    location = sparkread.where(reference, loaded.base_dir)
    key = sparkread.identity(reference, location, clock())

    def read_reference() -> DataFrame:
        return sparkread.frame(spark, reference, location, None, refcache.LABEL)

    ref, ref_counts, _ = refcache.reference(
        spark,
        options.spark_tables_dir(),
        refcache.key(key, scored),
        scored,
        read_reference,
        options.cache_max_bytes,
    )
    label = "current data"
    where = sparkread.where(spec.current, loaded.base_dir)
    zone, column = spec.timestamp_timezone, spec.timestamp_column
    wanted = frozenset([*scored, column])  # of CSV on object storage, the hive keys to keep
    frame = sparkread.frame(spark, spec.current, where, window, label, zone, column, wanted)
    frame = sparkread.cut(frame, spec.timestamp_column, spec.timestamp_timezone, window, label)
    if spec.current.spark_sql is not None:  # the engine reads the window several times: files
        frame = frame.persist()  # re-read cheaply, but a lake query would run again each time
    cur = tables.side_tables(frame, scored, "current", counted=False)
    if cur.rows == 0:
        raise DataError("no rows in window")
    if ref.rows < spec.drift.min_reference_rows:
        raise DataError(
            f"reference data has {ref.rows} rows, fewer than drift.min_reference_rows "
            f"({spec.drift.min_reference_rows})"
        )
    columns = sides.columns(spec, ref, cur, ref_counts, sides.texts(cur, scored))
    ok = {c.name for c in columns if c.status == FeatureStatus.OK}
    try:
        result = sparkscore.score_tables(ref, cur, scored, spec.drift, only=ok)
    finally:  # a long-running scheduler must not keep every window's counts in Spark's memory
        tables.release(ref)
        tables.release(cur)
        frame.unpersist()
    changes = quality.schema_changes(spec, ref.dtypes, cur.dtypes)
    return Inputs(key, ref.rows, cur.rows, columns, changes, None, result)

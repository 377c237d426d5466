"""The `spark` drift engine: Evidently's scores computed exactly inside Apache Spark, where the
data lives; only per-column results (a few kilobytes) come back to the driftboard worker.

PySpark is an extra (`pip install 'driftboard[spark]'`): nothing here is imported unless the
engine is chosen. docs/spark.md says when to use it, how to point it at a cluster and its cost.
"""

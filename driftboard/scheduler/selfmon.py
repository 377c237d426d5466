"""The scheduler's own Prometheus metrics, served on /metrics (see httpd.py).

They live in a registry of their own, so a module that pushes model metrics to the
Pushgateway with the default registry never pushes the scheduler's internals by accident.
"""

import contextlib
from collections.abc import Callable
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.process_collector import ProcessCollector

REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)

RUNS = Counter(
    "driftboard_runs",
    "Windows handled by the scheduler, by outcome: succeeded, failed (recorded with a reason), "
    "skipped (catch-up limit, recorded), already_done (another scheduler did it), "
    "not_stored (results database unreachable; caught up later).",
    ["model", "status"],
    registry=REGISTRY,
)
RUN_DURATION = Histogram(
    "driftboard_scheduler_run_duration_seconds",
    "Wall time of one window in a worker process: lock, data, drift, store.",
    buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900),
    registry=REGISTRY,
)
LAST_SUCCESS = Gauge(
    "driftboard_last_success_timestamp_seconds",
    "Unix time when the model's latest successful run finished (read from the store at load).",
    ["model"],
    registry=REGISTRY,
)
LAG = Histogram(
    "driftboard_scheduling_lag_seconds",
    "From the end of a window (its tick) to the moment a worker starts computing it; "
    "caught-up windows count with their full delay.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600),
    registry=REGISTRY,
)
QUEUE_DEPTH = Gauge(
    "driftboard_queue_depth",
    "Windows due but not yet being computed: waiting for a worker or in a model's catch-up list.",
    registry=REGISTRY,
)
RETRIES = Counter(
    "driftboard_retries",
    "Retries after transient errors (source or store unreachable).",
    ["model"],
    registry=REGISTRY,
)
JOB_INFO = Gauge(
    "driftboard_scheduler_job_info",
    "1 for every model the scheduler has loaded.",
    ["model"],
    registry=REGISTRY,
)
LABEL_REFRESHES = Counter(
    "driftboard_label_refreshes",
    "Delayed-label refreshes run by the scheduler, by outcome: succeeded or failed (logged).",
    ["model", "status"],
    registry=REGISTRY,
)
SPEC_PROBLEMS = Gauge(
    "driftboard_job_spec_problems",
    "Problems found in the job specs at the last (re)load; each is logged, and its file is "
    "skipped (or its previous version kept) while the other models run.",
    registry=REGISTRY,
)
PUSH_FAILURES = Counter(
    "driftboard_push_failures",
    "Failed pushes of a run's metrics to the Pushgateway.",
    ["model"],
    registry=REGISTRY,
)


def record_push_failure(model: str) -> None:
    """Hook for the metrics push: call it once per failed push of a model's run."""
    PUSH_FAILURES.labels(model=model).inc()


def record_result(model: str, status: str, seconds: float, lag: float, finished: datetime | None) -> None:
    """One window's result; a window another scheduler had done counts, but took no time here."""
    RUNS.labels(model=model, status=status).inc()
    if status != "already_done":
        RUN_DURATION.observe(seconds)
        LAG.observe(lag)
    if status == "succeeded" and finished is not None:
        LAST_SUCCESS.labels(model=model).set(finished.timestamp())


def track_queue_depth(depth: Callable[[], float]) -> None:
    """Read the depth at scrape time, so it is never stale between runs."""
    QUEUE_DEPTH.set_function(depth)


def job_loaded(model: str, last_success: float | None) -> None:
    JOB_INFO.labels(model=model).set(1)
    PUSH_FAILURES.labels(model=model).inc(0)  # exported from the start, so increase() sees the first failure
    if last_success is not None:
        LAST_SUCCESS.labels(model=model).set(last_success)


def job_unloaded(model: str) -> None:
    with contextlib.suppress(KeyError):  # never loaded: nothing to remove
        JOB_INFO.remove(model)

"""After a labels refresh: push the model's newest performance (driftboard.prometheus.
performance_series), so that DriftboardPerformanceDegraded can see it.

What is pushed is read back from the store after the refresh's commit: the newest realised
and the newest estimated window the store holds, never an older window a refresh `--at` a
past time recomputed (the one check of "only the newest window", as for drift runs).
"""

import logging

from sqlalchemy import Engine

from driftboard import alertconfig
from driftboard.jobs.load import LoadedSpec
from driftboard.prometheus import performance_series
from driftboard.prometheus.push import PushError
from driftboard.results import PerformanceSnapshot
from driftboard.store import performance_state

ALERT = "DriftboardPerformanceDegraded"
log = logging.getLogger(__name__)


def snapshot(engine: Engine, loaded: LoadedSpec) -> PerformanceSnapshot:
    default = alertconfig.load().alerts[ALERT].severity
    return performance_state.snapshot(engine, loaded.spec, default)


def publish(engine: Engine, loaded: LoadedSpec, pushgateway_url: str | None) -> str | None:
    """Push when a Pushgateway is configured; the reason it failed, else None (the refresh's
    results stay stored either way)."""
    if not pushgateway_url:
        return None
    try:
        performance_series.push(pushgateway_url, snapshot(engine, loaded))
    except PushError as exc:
        log.warning("model=%s %s", loaded.spec.model, exc)
        return str(exc)
    return None

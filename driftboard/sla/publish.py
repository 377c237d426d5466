"""After a labels refresh: push the model's newest performance (driftboard.prometheus.
performance_series), so that DriftboardPerformanceDegraded can see it, and call the retrain
hook when a new labelled window keeps the model below its threshold (perfretrain.py).

What is pushed is read back from the store after the refresh's commit: the newest realised
and the newest estimated window the store holds, never an older window a refresh `--at` a
past time recomputed, as only a model's newest drift window is pushed (README.md, Alerting).
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from driftboard import alertconfig
from driftboard.jobs.load import LoadedSpec
from driftboard.prometheus import performance_series
from driftboard.prometheus.push import PushError
from driftboard.results import HookCall, PerformanceSnapshot, WindowPerformance
from driftboard.settings import Settings
from driftboard.sla import labels, perfretrain
from driftboard.store import performance_state

ALERT = "DriftboardPerformanceDegraded"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Refreshed:
    results: list[WindowPerformance]
    push_error: str | None  # None: pushed, or no Pushgateway configured
    retrain: HookCall | None  # None: the hook was not due


def refresh(engine: Engine, loaded: LoadedSpec, settings: Settings, now: datetime | None = None) -> Refreshed:
    """labels.refresh, then the push and the retrain hook; neither undoes the stored results."""
    before = performance_state.newest_end(engine, loaded.spec.model)
    results = labels.refresh(engine, loaded, now)
    state = snapshot(engine, loaded)
    pushed = publish(state, settings.pushgateway_url)
    return Refreshed(results, pushed, perfretrain.call(loaded.spec, state, before, settings))


def snapshot(engine: Engine, loaded: LoadedSpec) -> PerformanceSnapshot:
    default = alertconfig.load().alerts[ALERT].severity
    return performance_state.snapshot(engine, loaded.spec, default)


def publish(state: PerformanceSnapshot, pushgateway_url: str | None) -> str | None:
    """Push when a Pushgateway is configured; the reason it failed, else None."""
    if not pushgateway_url:
        return None
    try:
        performance_series.push(pushgateway_url, state)
    except PushError as exc:
        log.warning("model=%s %s", state.model, exc)
        return str(exc)
    return None

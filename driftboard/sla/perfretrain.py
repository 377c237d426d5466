"""The retrain hook (driftboard.run.retrain) as a trigger in its own right: called after a labels
refresh whose new newest labelled window brings the model's streak of windows that missed
labels.threshold to labels.alert_windows or beyond (DriftboardPerformanceDegraded fires then).

Off unless both the deployment (DRIFTBOARD_RETRAIN_URL or _URL_FILE) and the spec
(`retrain: true`) ask for it, as for drift. A refresh that brings no newer labelled window
(labels of older windows, a refresh --at a past time) does not call it again.
"""

import logging
from datetime import UTC, datetime
from typing import Any

from driftboard.jobs.spec import JobSpec
from driftboard.results import HookCall, PerformanceSnapshot
from driftboard.run import retrain
from driftboard.settings import Settings

log = logging.getLogger(__name__)


def due(spec: JobSpec, state: PerformanceSnapshot, before: datetime | None) -> bool:
    """A newer labelled window than before the refresh, and the streak at the alert's level."""
    realised = state.realised
    if not spec.retrain or realised is None or state.threshold is None:
        return False
    newer = before is None or realised.window.end > before
    return newer and state.degraded_windows >= state.alert_windows


def payload(state: PerformanceSnapshot) -> dict[str, Any]:
    realised = state.realised
    assert realised is not None  # due() checked
    return {
        "model": state.model,
        "trigger": "performance",
        "window": {"start": realised.window.start.isoformat(), "end": realised.window.end.isoformat()},
        "metric": state.metric,
        "value": realised.metrics.get(state.metric),
        "threshold": state.threshold,
        "degraded_windows": state.degraded_windows,
        "labelled_share": realised.labelled_share,
    }


def call(
    spec: JobSpec, state: PerformanceSnapshot, before: datetime | None, settings: Settings
) -> HookCall | None:
    if not due(spec, state, before):
        return None
    error = retrain.send(settings, payload(state))  # the refresh is committed: errors go beside it
    return _failed(state, error) if error else HookCall(called_at=datetime.now(UTC))


def _failed(state: PerformanceSnapshot, reason: str) -> HookCall:
    log.warning("model=%s %s", state.model, reason)
    return HookCall(error=reason)

"""A model's state in one word, with what makes it so: `driftboard status` prints it.

Judged as the alerts judge (alerting/config.yml, with the model's own levels from
monitored_models): critical when the drifted share reaches drift_share_critical or one
feature's ratio reaches severe_drift_ratio; stale when the newest successful window is
older than stale_intervals schedule periods; failed when the newest run failed.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from driftboard import alertconfig
from driftboard.reports.flags import quality_flags
from driftboard.store.runs.modelstate import ModelState


@dataclass(frozen=True)
class Verdict:
    model: str
    status: str  # the drift state (ok | drift | critical | none scored), then failed and stale if so
    window_start: datetime
    window_end: datetime
    error: str | None
    drifted: tuple[tuple[str, float], ...]  # (feature, drift ratio), worst first
    n_scored: int
    quality: tuple[tuple[str, str], ...]  # (feature, flag)
    scored_window_end: datetime | None  # the window the features are from

    def to_json(self) -> dict[str, Any]:
        return {
            "model": self.model, "status": self.status, "error": self.error,
            "window_start": self.window_start.isoformat(), "window_end": self.window_end.isoformat(),
            "features_from": self.scored_window_end.isoformat() if self.scored_window_end else None,
            "n_features": self.n_scored,
            "drifted": [{"feature": f, "drift_ratio": r} for f, r in self.drifted],
            "data_quality": [{"feature": f, "flag": q} for f, q in self.quality],
        }  # fmt: skip


def _levels(state: ModelState) -> dict[str, float]:
    defaults = alertconfig.load().thresholds
    own = state.levels or {}
    return {
        "severe": own.get("severe_drift_ratio") or defaults.severe_drift_ratio,
        "share": own.get("drift_share_critical") or defaults.drift_share_critical_ratio,
        "stale": own.get("stale_intervals") or defaults.stale_intervals,
    }


def _drift(state: ModelState, drifted: list[tuple[str, float]]) -> str:
    if state.scored is None:
        return "never scored"
    levels, share = _levels(state), state.scored["share_drifted"] or 0.0
    if share >= levels["share"] or any(ratio >= levels["severe"] for _, ratio in drifted):
        return "critical"
    return "drift" if drifted else "ok"


def _health(state: ModelState, now: datetime) -> list[str]:
    """What makes the drift state doubtful: the newest run failed, or no success for too long."""
    words = ["failed"] if state.last["status"] == "failed" else []
    interval = (state.levels or {}).get("interval_seconds")
    newest = state.scored["window_end"] if state.scored else state.last["window_end"]
    if interval and now - newest > timedelta(seconds=_levels(state)["stale"] * interval):
        words.append("stale")
    return words


def judge(state: ModelState, now: datetime) -> Verdict:
    scored = [f for f in state.features if f.status == "ok"]
    drifted = [(f.feature, f.drift_ratio or 0.0) for f in scored if f.drift_detected]
    drifted.sort(key=lambda d: (-d[1], d[0]))
    quality = [(f.feature, flag) for f in state.features for flag in quality_flags(f)]
    return Verdict(
        state.model,
        ", ".join([_drift(state, drifted), *_health(state, now)]),
        state.last["window_start"],
        state.last["window_end"],
        state.last["error"],
        tuple(drifted),
        len(scored),
        tuple(quality),
        state.scored["window_end"] if state.scored else None,
    )

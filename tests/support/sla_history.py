"""A day of runs with known incidents, failures and gaps; every SLA number is worked out here.

alpha (hourly, windows ending T0+1h … T0+24h, features f1–f4; targets 0.9 / 0.8):
  1–4 quiet · 5–7 f1 drifts (1.5)                         → incident A, alert when f1's 3rd run
  8 quiet · 9 failed (timeout) · 10 missing · 11 late (finished 1 h 30 min after its end)
  12 f2 drifts (run finishes 10 min late) · 13 f3 at 3.5 (severe: critical) · 14 failed
  15 f1 and f2 (half the features: critical) · 16 quiet    → incident B, alert at 13 (critical)
  17–18 missing, 19 a skipped row spanning 16h–19h (catch-up limit)
  20 f1 · 21 f2 · 22–24 f1                                 → incident C, open; alert at 24 only:
                                                             f1 is in 3 runs in a row only then
beta (every 2 h from T0+3h, 11 quiet runs; labels: f1 ≥ 0.7, window 5 h below it).
gamma is registered but never ran; `stray` ran but is not registered (not in the SLA).
"""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert

from driftboard.jobs.window import Window
from driftboard.results import Evaluation, FeatureOutcome
from driftboard.sla.data import Span
from driftboard.store import runs
from driftboard.store.models import MonitoredModel, PerformanceResult

T0 = datetime(2026, 2, 1, tzinfo=UTC)
H = timedelta(hours=1)
ON_TIME = timedelta(minutes=2)  # a run finishes this long after its window's end...
LATE = {11: timedelta(minutes=90), 12: timedelta(minutes=10)}  # ...except these
ALPHA_DRIFT: dict[int, dict[str, float]] = {
    **{k: {"f1": 1.5} for k in (5, 6, 7)},
    12: {"f2": 1.2},
    13: {"f3": 3.5},
    15: {"f1": 1.1, "f2": 1.1},
    20: {"f1": 1.2},
    21: {"f2": 1.3},
    **{k: {"f1": 1.2} for k in (22, 23, 24)},
}
ALPHA_FAILED = {9: "source timeout after 30 s", 14: "no rows in window"}
ALPHA_RUNS = [k for k in range(1, 25) if k not in (10, 17, 18, 19)]
SKIPPED = Window(T0 + 16 * H, T0 + 19 * H)
SKIP_REASON = "catch-up limit: more than 100 windows were missed (catchup_max_windows); see the log"
BETA_ENDS = [3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23]
BETA_F1 = {3: 0.9, 5: 0.6, 7: 0.8}  # the judged metric; window 9 has only an accuracy
DAY = Span(T0, T0 + 24 * H, datetime.now(UTC))  # long after the day: every window is due


def feature(name: str, ratio: float) -> FeatureOutcome:
    return FeatureOutcome(
        name, "feature", "numerical", "ok", stattest="wasserstein", score=ratio / 10, threshold=0.1,
        drift_ratio=ratio, drift_detected=ratio >= 1,
    )  # fmt: skip


def run(
    model: str, end: datetime, length: timedelta, names: list[str], drift: dict[str, float]
) -> Evaluation:
    features = [feature(n, drift.get(n, 0.5)) for n in names]
    window = Window(end - length, end)
    return Evaluation(
        model, window, "succeeded", end + timedelta(minutes=1), end + ON_TIME,
        drift_share_threshold=0.5, features=features,
    )  # fmt: skip


def alpha(k: int) -> Evaluation:
    outcome = run("alpha", T0 + k * H, H, ["f1", "f2", "f3", "f4"], ALPHA_DRIFT.get(k, {}))
    outcome = replace(outcome, finished_at=outcome.finished_at + LATE.get(k, timedelta(0)))
    if k in ALPHA_FAILED:
        return replace(outcome, status="failed", error=ALPHA_FAILED[k], features=())
    return outcome


def registry(model: str, interval: timedelta, **targets: Any) -> dict[str, Any]:
    values = {"freshness_target": 0.99, "healthy_target": 0.95, "performance_metric": None}
    values |= {"severe_drift_ratio": 3.0, "drift_share_critical": 0.5, "feature_drift_runs": 3}
    values |= {"performance_threshold": None, "updated_at": T0, **targets}
    return {"model": model, "interval_seconds": interval.total_seconds(), **values}


def performance(end_hour: int, metric: str, value: float) -> dict[str, Any]:
    end = T0 + end_hour * H
    return {
        "model": "beta", "window_start": end - 2 * H, "window_end": end, "metric": metric,
        "value": value, "n_rows": 100, "n_labeled": 95, "computed_at": end + 48 * H,
    }  # fmt: skip


def seed(engine: Engine) -> None:
    for k in ALPHA_RUNS:
        runs.save(engine, alpha(k))
    now = SKIPPED.end + ON_TIME
    runs.save(engine, Evaluation("alpha", SKIPPED, "skipped", now, now, error=SKIP_REASON))
    for hour in BETA_ENDS:
        runs.save(engine, run("beta", T0 + hour * H, 2 * H, ["g1", "g2"], {}))
    runs.save(engine, run("stray", T0 + H, H, ["s1"], {"s1": 9.0}))
    rows = [
        registry("alpha", H, freshness_target=0.9, healthy_target=0.8),
        registry("beta", 2 * H, performance_metric="f1", performance_threshold=0.7),
        registry("gamma", H),
    ]
    perf = [performance(h, "f1", v) for h, v in BETA_F1.items()] + [performance(9, "accuracy", 0.1)]
    with engine.begin() as conn:
        conn.execute(insert(MonitoredModel), rows)
        conn.execute(insert(PerformanceResult), perf)

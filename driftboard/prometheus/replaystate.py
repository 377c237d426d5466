"""What the Pushgateway would have held after each stored run: the series a push sends
(prometheus.metrics, with the run context computed from the runs before it, as the pipeline
reads it from the store), a succeeded run replacing the model's group and a failed one only
its status series, as push.py does.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from prometheus_client import CollectorRegistry

from driftboard import alertconfig
from driftboard.jobs.schedule import period
from driftboard.jobs.spec import JobSpec
from driftboard.prometheus.metrics import RunContext, run_registry, status_registry
from driftboard.results import Evaluation, RunStatus
from driftboard.store.runs.streaks import MIN_BASELINE_RUNS

Series = tuple[str, frozenset[tuple[str, str]]]  # metric name, labels
HORIZON = 100  # runs looked back, as store.runs and store.streaks do


@dataclass(frozen=True)
class Step:
    at: datetime  # when the run's push would have landed: its window's end (plus the spec's delay)
    samples: dict[Series, float]


def levels(spec: JobSpec) -> dict[str, float]:
    """Every alert level of the model: the spec's override, else alerting/config.yml's."""
    config = alertconfig.load()
    own = {field: getattr(spec.alerts, field) for field in alertconfig.LEVELS}
    return {field: config.default(field) if value is None else value for field, value in own.items()}


def steps(spec: JobSpec, runs: list[Evaluation]) -> Iterator[Step]:
    state: dict[Series, float] = {}
    for k, run in enumerate(runs):
        before = [r for r in runs[: k + 1] if r.status == RunStatus.SUCCEEDED][-HORIZON:]
        ctx = context(spec, run, before, runs[:k])
        if run.status == RunStatus.SUCCEEDED:
            state = _samples(run_registry(run, ctx))
        else:
            sent = _samples(status_registry(run, ctx))
            names = {name for name, _ in sent}
            state = {s: v for s, v in state.items() if s[0] not in names} | sent
        yield Step(run.window.end + (spec.delay or timedelta(0)), dict(state))


def context(
    spec: JobSpec, run: Evaluation, succeeded: list[Evaluation], earlier: list[Evaluation]
) -> RunContext:
    level = levels(spec)
    newest_first = succeeded[::-1]
    critical = [_critical(r, level) for r in newest_first]
    previous = [
        r.current_rows for r in earlier if r.status == RunStatus.SUCCEEDED and r.current_rows is not None
    ]
    baseline = previous[-int(alertconfig.load().volume_baseline_runs) :]
    return RunContext(
        interval_seconds=period(spec).total_seconds(),
        last_success=max((r.finished_at for r in succeeded), default=None),
        consecutive_drift=_feature_streaks(newest_first),
        alerts=spec.alerts,
        model_drift_runs=next((i for i, hit in enumerate(critical) if not hit), len(critical)),
        expected_rows=float(median(baseline)) if len(baseline) >= MIN_BASELINE_RUNS else None,
    )


def _critical(run: Evaluation, level: dict[str, float]) -> bool:
    worst = max((f.drift_ratio or 0 for f in run.features), default=0)
    return (run.share_drifted or 0) >= level["drift_share_critical"] or worst >= level["severe_drift_ratio"]


def _feature_streaks(newest_first: list[Evaluation]) -> dict[str, int]:
    names = {f.feature for r in newest_first for f in r.features}
    drifted = [{f.feature for f in r.features if f.drift_detected} for r in newest_first]
    return {n: next((i for i, d in enumerate(drifted) if n not in d), len(drifted)) for n in names}


def _samples(registry: CollectorRegistry) -> dict[Series, float]:
    found: dict[Series, float] = {}
    for metric in registry.collect():
        for sample in metric.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = float(sample.value)
    return found

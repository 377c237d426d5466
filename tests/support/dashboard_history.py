"""A known drift history for the dashboard tests, written through driftboard.store.runs.save.

Hourly windows ending T0+1h … T0+48h; the dashboards are queried over [T0, T0+48h].
- churn: 48 runs, run 20 failed. `income` drifts from run 30 on (ratio 2.5), `plan` from
  run 40 on (ratio 1.4, with unseen categories); `tenure` was skipped in run 10. The latest
  run has 2 of 5 features drifted, none severely: warning.
- fraud: runs 1–12 only, then nothing for 36 hours: stale.
- ltv: 48 runs, the latest failed: failing.
- pricing: 48 runs, the latest with 2 of 3 features drifted: critical.
- CRAFTED (a model literally named like an injection): 2 quiet runs: ok.
Every model is registered for the SLA views as hourly with the default targets.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from driftboard.jobs.spec import JobSpec
from driftboard.jobs.window import Window
from driftboard.reports.files import relative_path
from driftboard.results import Evaluation, FeatureOutcome, KeptReport
from driftboard.store import registry, runs
from tests.support.grafana_macros import QueryRange

T0 = datetime(2026, 1, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)
RANGE = QueryRange(T0, T0 + 48 * HOUR, "1h")
CRAFTED = "x'; DROP TABLE runs; --"
INCOME_ONSET, PLAN_ONSET = 30, 40  # first drifted run of each
LAG = timedelta(minutes=2)  # every run starts this long after its window closed

STATE = {"pricing": "critical", "ltv": "failing", "fraud": "stale", "churn": "warning", CRAFTED: "ok"}


ERROR_RUN = 30  # churn's age is not numeric in this run, and a new column appeared
SCHEMA_CHANGE = {
    "missing": [],
    "added": ["coupon"],
    "dtype_changed": {"age": {"reference": "float64", "current": "str"}},
}


def end_of(run: int) -> datetime:
    return T0 + run * HOUR


def feature(name: str, ratio: float | None, kind: str = "numerical", **extra: float | None) -> FeatureOutcome:
    if ratio is None:
        return FeatureOutcome(name, "feature", kind, "skipped", reason="too few rows")
    if ratio < 0:  # a feature whose values stopped being numbers (DriftboardFeatureDead)
        return FeatureOutcome(
            name, "feature", kind, "error", reason="400 of 500 current values are not numeric"
        )
    threshold = 0.1
    values = {"null_share": 0.01, "reference_null_share": 0.01, "unseen_share": None, **extra}
    return FeatureOutcome(
        name, "prediction" if name == "churn_score" else "feature", kind, "ok", stattest="wasserstein",
        score=ratio * threshold, threshold=threshold, drift_ratio=ratio, drift_detected=ratio >= 1,
        reference_count=1000, current_count=500, **values,  # type: ignore[arg-type]
    )  # fmt: skip


def churn(run: int) -> list[FeatureOutcome]:
    plan_drifted = run >= PLAN_ONSET
    return [
        feature("income", 2.5 if run >= INCOME_ONSET else 0.3),
        feature(
            "plan", 1.4 if plan_drifted else 0.2, "categorical", unseen_share=0.15 if plan_drifted else 0.0
        ),
        feature("age", -1 if run == ERROR_RUN else 0.1),
        feature("tenure", None if run == 10 else 0.5),
        feature("churn_score", 0.4),
    ]


def quiet(_run: int) -> list[FeatureOutcome]:
    return [feature("amount", 0.2), feature("country", 0.1, "categorical", unseen_share=0.0)]


def pricing(run: int) -> list[FeatureOutcome]:
    drifted = run == 48
    return [
        feature("price", 1.5 if drifted else 0.5),
        feature("demand", 1.2 if drifted else 0.4),
        feature("season", 0.3),
    ]


@dataclass
class History:
    model: str
    runs: range
    features: object  # (run) -> list[FeatureOutcome]
    failed: set[int] = field(default_factory=set)


HISTORIES = [
    History("churn", range(1, 49), churn, {20}),
    History("fraud", range(1, 13), quiet),
    History("ltv", range(1, 49), quiet, {48}),
    History("pricing", range(1, 49), pricing),
    History(CRAFTED, range(47, 49), quiet),
]
MODELS = sorted(h.model for h in HISTORIES)


def outcome(history: History, run: int) -> Evaluation:
    window = Window(end_of(run) - HOUR, end_of(run))
    started = window.end + LAG
    finished = started + timedelta(seconds=10 + run)
    if run in history.failed:
        return Evaluation(history.model, window, "failed", started, finished, "source timeout after 30 s")
    return Evaluation(
        history.model, window, "succeeded", started, finished,
        reference_rows=1000, current_rows=500, drift_share_threshold=0.5,
        features=history.features(run),  # type: ignore[operator]
        schema_changes=SCHEMA_CHANGE if (history.model, run) == ("churn", ERROR_RUN) else None,
    )  # fmt: skip


def kept(history: History, evaluation: Evaluation) -> KeptReport | None:
    """keep_reports="drifted": the runs with a drifted feature kept their report."""
    if not any(f.drift_detected for f in evaluation.features):
        return None
    return KeptReport(path=relative_path(history.model, evaluation.window).as_posix())


def seed(engine: Engine) -> None:
    for history in HISTORIES:
        for run in history.runs:
            evaluation = outcome(history, run)
            run_id = runs.save(engine, evaluation)
            if (report := kept(history, evaluation)) is not None:
                runs.record_report(engine, run_id, report)
    with Session(engine) as session, session.begin():  # what each run's pipeline would register
        for history in HISTORIES:
            registry.upsert(session, registry.registration(hourly(history.model)))


def hourly(model: str) -> JobSpec:
    """A spec registering the model as the runs above were made: hourly, default targets."""
    source = {"path": "unused.csv"}
    return JobSpec.model_validate(
        {
            "model": "x",
            "schedule": {"interval": "1h"},
            "timestamp_column": "t",
            "reference": source,
            "current": source,
            "columns": {"numerical": ["income"]},
        }
    ).model_copy(update={"model": model})  # CRAFTED is no valid model name; the store takes it


def runs_of(model: str, succeeded_only: bool = False) -> list[int]:
    history = next(h for h in HISTORIES if h.model == model)
    return [r for r in history.runs if not (succeeded_only and r in history.failed)]

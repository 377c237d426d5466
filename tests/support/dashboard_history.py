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

Performance (seeded through driftboard.store.performance_rows, as a labels refresh writes it):
churn judges f1 at 0.7; every window has estimates, windows 1–LABELLED their realised
metrics too (realised f1 0.8, then 0.6 from INCOME_ONSET; estimated 0.01 below). fraud is a
multiclass model with per-class metrics for its 12 windows.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from driftboard.jobs.spec import JobSpec
from driftboard.jobs.window import Window
from driftboard.reports.files import relative_path
from driftboard.results import Evaluation, FeatureOutcome, KeptReport, WindowEstimate, WindowPerformance
from driftboard.store import performance_rows, registry, runs
from tests.support.grafana_macros import QueryRange

T0 = datetime(2026, 1, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)
RANGE = QueryRange(T0, T0 + 48 * HOUR, "1h")
CRAFTED = "x'; DROP TABLE runs; --"
INCOME_ONSET, PLAN_ONSET = 30, 40  # first drifted run of each
LABELLED = 36  # churn's windows whose labels have landed
CLASSES = ("legit", "fraud", "review")
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
    seed_performance(engine)


def churn_f1(run: int) -> float:
    return 0.6 if run >= INCOME_ONSET else 0.8


def labelled(prediction: str, **labels: object) -> dict[str, object]:
    roles = {"prediction": {"name": "p", "type": prediction}, "target": "t"}
    return {"columns": {"numerical": ["income"], **roles}, "labels": labels}


def seed_performance(engine: Engine) -> None:
    churn_spec = hourly("churn", **labelled("numerical", metric="f1", threshold=0.7))
    window = {run: Window(end_of(run) - HOUR, end_of(run)) for run in range(1, 49)}
    realised = [
        WindowPerformance(window[run], 500, 480, {"f1": churn_f1(run), "accuracy": 0.9})
        for run in range(1, LABELLED + 1)
    ]
    estimated = [
        WindowEstimate(
            window[run], 500, 480 if run <= LABELLED else 0, {"f1": churn_f1(run) - 0.01, "accuracy": 0.89}
        )
        for run in range(1, 49)
    ]
    performance_rows.replace_windows(engine, churn_spec, realised, end_of(48), estimated)
    per_class = {label: {"f1": 0.5 + i / 10, "support": 100.0} for i, label in enumerate(CLASSES)}
    fraud = [
        WindowPerformance(window[run], 300, 300, {"f1": 0.6}, per_class=per_class) for run in range(1, 13)
    ]
    performance_rows.replace_windows(engine, hourly("fraud", **labelled("categorical")), fraud, end_of(12))


def hourly(model: str, **extra: object) -> JobSpec:
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
            **extra,
        }
    ).model_copy(update={"model": model})  # CRAFTED is no valid model name; the store takes it


def runs_of(model: str, succeeded_only: bool = False) -> list[int]:
    history = next(h for h in HISTORIES if h.model == model)
    return [r for r in history.runs if not (succeeded_only and r in history.failed)]

"""A small, hand-made drift history for `status`, `history` and `report drift`: every value
is set here, so the tests can say exactly what each command must show.

alpha (hourly): six runs ending T0+1h … T0+6h. `income` drifts from the fourth run on
(ratios below), `age` stays calm, `plan` loses 40 % of its values in the last run, `zip`
is missing from the data in every run. beta: one run that succeeded, then one that failed.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from driftboard.jobs.spec import JobSpec
from driftboard.jobs.window import Window
from driftboard.results import Evaluation, FeatureOutcome, KeptReport, RunStatus
from driftboard.store import registry, runs
from tests.support.helpers import spec_dict

T0 = datetime(2026, 4, 1, tzinfo=UTC)
H = timedelta(hours=1)
INCOME = [0.2, 0.5, 0.9, 1.5, 2.0, 4.0]  # ratio per run: near, drifted, severe at the end
AGE = [0.1, 0.2, 0.1, 0.3, 0.2, 0.1]
FAILED_REASON = "current data: no such file"


def feature(name: str, ratio: float, **extra: object) -> FeatureOutcome:
    threshold = 0.1
    fields: dict[str, object] = {
        "stattest": "wasserstein", "score": ratio * threshold, "threshold": threshold,
        "drift_ratio": ratio, "drift_detected": ratio >= 1, "null_share": 0.0, "reference_null_share": 0.0,
    }  # fmt: skip
    return FeatureOutcome(name, "feature", "numerical", "ok", **(fields | extra))  # type: ignore[arg-type]


def alpha_features(i: int) -> tuple[FeatureOutcome, ...]:
    plan_nulls = 0.4 if i == 5 else 0.0
    return (
        feature("income", INCOME[i]),
        feature("age", AGE[i]),
        feature("plan", 0.3, null_share=plan_nulls),
        FeatureOutcome("zip", "feature", "numerical", "skipped", "missing from current data"),
    )


def evaluation(model: str, end: datetime, features: tuple[FeatureOutcome, ...], **kw: object) -> Evaluation:
    status = kw.pop("status", RunStatus.SUCCEEDED)
    return Evaluation(model, Window(end - H, end), status, end, end, features=features,
                      drift_share_threshold=0.5, **kw)  # type: ignore[arg-type]  # fmt: skip


def spec(model: str) -> JobSpec:
    return JobSpec.model_validate(spec_dict(model=model))


def alpha_run(i: int, model: str = "alpha") -> Evaluation:
    return evaluation(model, T0 + (i + 1) * H, alpha_features(i))


def seed(engine: Engine, alpha: str = "alpha", beta: str = "beta") -> None:
    for i in range(6):
        run_id = runs.save(engine, alpha_run(i, alpha), registry.upserter(spec(alpha)))
        if i == 4:  # the fifth run kept its Evidently report
            runs.record_report(engine, run_id, KeptReport(path=f"{alpha}/20260401T050000Z.html"))
    runs.save(engine, evaluation(beta, T0 + H, (feature("x", 0.4),)), registry.upserter(spec(beta)))
    failed = evaluation(beta, T0 + 2 * H, (), status=RunStatus.FAILED, error=FAILED_REASON)
    runs.save(engine, failed, registry.upserter(spec(beta)))

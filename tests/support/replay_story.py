"""A hand-made story of twelve 6-hour runs for the alert replay's tests: feature drift three
runs in a row, two critical runs, a failed run, recovery, a null burst, a dead feature and a
thin window (tests/prometheus/test_replay.py says what each fires)."""

from datetime import UTC, datetime, timedelta

from driftboard.jobs.spec import JobSpec
from driftboard.jobs.window import Window
from driftboard.results import Evaluation, FeatureOutcome, FeatureStatus, RunStatus
from tests.support.helpers import spec_dict

START = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday
SPEC = JobSpec.model_validate(spec_dict(schedule={"interval": "6h"}))


def _feature(
    name: str, ratio: float = 0.5, nulls: float = 0.0, status: FeatureStatus = FeatureStatus.OK
) -> FeatureOutcome:
    if status != FeatureStatus.OK:
        return FeatureOutcome(name, "feature", "numerical", status, reason="no values")
    return FeatureOutcome(
        name, "feature", "numerical", FeatureStatus.OK, stattest="wasserstein", score=ratio / 10,
        threshold=0.1, drift_ratio=ratio, drift_detected=ratio >= 1, null_share=nulls,
        reference_null_share=0.0,
    )  # fmt: skip


def _run(
    k: int, *features: FeatureOutcome, rows: int = 1000, status: RunStatus = RunStatus.SUCCEEDED
) -> Evaluation:
    end = START + timedelta(hours=6 * (k + 1))
    done = end + timedelta(minutes=1)
    chosen = features if status == RunStatus.SUCCEEDED else ()
    changes: dict[str, object] = {"missing": [], "added": [], "dtype_changed": {}}
    window = Window(end - timedelta(hours=6), end)
    return Evaluation(
        "test-model", window, status, done, done, current_rows=rows, features=chosen, schema_changes=changes
    )


def story() -> list[Evaluation]:
    calm = (_feature("x"), _feature("y"), _feature("c"))
    return [
        _run(0, *calm),
        _run(1, *calm),
        _run(2, _feature("x", 1.5), _feature("y"), _feature("c")),
        _run(3, _feature("x", 1.5), _feature("y"), _feature("c")),
        _run(4, _feature("x", 1.5), _feature("y"), _feature("c")),  # x: 3 in a row
        _run(5, _feature("x", 3.5), _feature("y", 1.2), _feature("c")),  # critical (ratio 3.5)
        _run(6, _feature("x", 3.5), _feature("y", 1.2), _feature("c")),  # critical twice: pages
        _run(7, status=RunStatus.FAILED),
        _run(8, *calm),
        _run(9, _feature("x"), _feature("y"), _feature("c", nulls=0.5)),  # nulls up 50 points
        _run(10, _feature("x"), _feature("y", status=FeatureStatus.SKIPPED), _feature("c")),
        _run(11, *calm, rows=100),  # a tenth of the usual volume
    ]

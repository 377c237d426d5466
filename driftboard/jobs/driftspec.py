"""The spec's `drift:` section: which test and threshold score each column, the dataset drift
share, and calibrated thresholds (jobs/README.md, Drift)."""

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
)

from driftboard.jobs import stattests
from driftboard.jobs.fields import Strict


def _known_stattest(name: str) -> str:
    if name not in stattests.CATALOGUE:
        raise ValueError(f"unknown stattest {name!r}; known: {', '.join(sorted(stattests.CATALOGUE))}")
    return name


StatTestId = Annotated[str, AfterValidator(_known_stattest)]


# "calibrated": learned from the reference's own variability (driftboard/drift/calibrate.py).
def _threshold(value: object) -> object:
    """One message for both forms, instead of one per member of the union."""
    if value is None or value == "calibrated":
        return value
    try:
        number = (
            float(value) if isinstance(value, str | int | float) and not isinstance(value, bool) else None
        )
    except ValueError:
        number = None
    if number is None:
        raise ValueError(f"{value!r} is not a threshold: a number above 0, or 'calibrated'")
    if not number > 0:
        raise ValueError("Input should be greater than 0")
    return number


Threshold = Annotated[float | Literal["calibrated"] | None, BeforeValidator(_threshold)]


class TestChoice(Strict):
    method: StatTestId | None = Field(None, description="Evidently stattest id; default: its choice.")
    threshold: Threshold = None

    def fixed(self) -> "TestChoice":
        return TestChoice(method=self.method, threshold=_fixed(self.threshold))


def _fixed(threshold: float | str | None) -> float | None:
    return threshold if isinstance(threshold, float | int) else None


class Calibration(Strict):
    """How a calibrated threshold is learned: docs/calibrated-thresholds.md."""

    quantile: float = Field(0.99, gt=0.5, lt=1)
    method: Literal["bootstrap", "chunks"] = "bootstrap"
    samples: int = Field(200, ge=10, le=10_000)


class Drift(Strict):
    method: StatTestId | None = None
    threshold: Threshold = None
    numerical: TestChoice = TestChoice()
    categorical: TestChoice = TestChoice()
    per_column: dict[str, TestChoice] = Field(default_factory=dict)
    drift_share: float = Field(0.5, gt=0, le=1)
    min_reference_rows: int = Field(30, ge=1)
    calibration: Calibration = Calibration()

    def calibrated(self, column: str, column_type: stattests.ColumnType) -> bool:
        return self.choice_for(column, column_type).threshold == "calibrated"

    def fixed(self) -> "Drift":
        """These settings with every calibrated threshold left to the test's default: what the
        engines score with (and the profile cache's key) before calibration re-flags."""
        return self.model_copy(
            update={
                "threshold": _fixed(self.threshold),
                "numerical": self.numerical.fixed(),
                "categorical": self.categorical.fixed(),
                "per_column": {c: t.fixed() for c, t in self.per_column.items()},
                "calibration": Calibration(),
            }
        )

    def choice_for(self, column: str, column_type: stattests.ColumnType) -> TestChoice:
        """Per column beats per type beats global, as in Evidently's DataDriftPreset."""
        by_type = self.numerical if column_type == "numerical" else self.categorical
        own = self.per_column.get(column, TestChoice())
        return TestChoice(
            method=own.method or by_type.method or self.method,
            threshold=own.threshold or by_type.threshold or self.threshold,
        )


def check_choice(column: str, column_type: stattests.ColumnType, choice: "TestChoice") -> None:
    if choice.method is None:
        return
    test = stattests.CATALOGUE[choice.method]
    if column_type not in test.column_types:
        raise ValueError(f"stattest {test.id!r} does not apply to {column_type} column {column!r}")
    if test.pvalue and isinstance(choice.threshold, float) and choice.threshold >= 1:
        raise ValueError(f"column {column!r}: p-value threshold {choice.threshold} must be below 1")

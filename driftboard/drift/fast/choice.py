"""Which test scores a column, at which threshold, and when it flags drift: Evidently's rules.

Mirrors `get_stattest` in evidently/legacy/calculations/stattests/registry.py (0.7.23) and
the comparison each stattest function makes; tests/drift/test_fast_drift.py pins the two together.
"""

from dataclasses import dataclass

from driftboard.jobs import stattests
from driftboard.jobs.spec import Drift
from driftboard.jobs.stattests import ColumnType, StatTest

SMALL_REFERENCE = 1000  # reference rows up to which Evidently picks p-value tests


@dataclass(frozen=True)
class Choice:
    test: StatTest
    threshold: float


def auto_test(column_type: ColumnType, n_reference: int, n_values: int) -> str:
    """Evidently's default: `n_values` is the distinct count of reference and current together."""
    if n_reference <= SMALL_REFERENCE:
        if n_values <= 2:
            return "z"
        if column_type == "categorical" or n_values <= 5:
            return "chisquare"
        return "ks"
    if column_type == "numerical" and n_values > 5:
        return "wasserstein"
    return "jensenshannon"


def explicit(drift: Drift, column: str, column_type: ColumnType) -> tuple[str | None, float | None]:
    choice = drift.choice_for(column, column_type).fixed()  # calibrated ones: drift/calibrate.py
    threshold = choice.threshold
    return choice.method, threshold if isinstance(threshold, float | int) else None


def choose(test_id: str, threshold: float | None) -> Choice:
    test = stattests.CATALOGUE[test_id]
    return Choice(test, test.default_threshold if threshold is None else threshold)


def drifted(test_id: str, score: float, threshold: float) -> bool:
    """KS flags at p <= threshold, chi-square and Z at p < threshold, distances at >= threshold."""
    if test_id == "ks":
        return score <= threshold
    if test_id in ("chisquare", "z"):
        return score < threshold
    return score >= threshold

"""A column the drift test fails on is an error of class test_failed (DriftboardFeatureDead's
label), its reason kept in full."""

import numpy as np
import pandas as pd

from driftboard.data import quality
from driftboard.drift.scores import DriftResult
from driftboard.run.evaluate import feature_outcome

GOOD = pd.DataFrame({"x": np.linspace(0, 1, 50)})


def test_a_failed_test_is_an_error_of_class_test_failed() -> None:
    col = quality.check_column("x", "feature", "numerical", GOOD, GOOD)
    failed = feature_outcome(col, DriftResult({}, {"x": "Evidently could not score it: ValueError: boom"}))
    assert (failed.status, failed.reason_class) == ("error", "test_failed")
    assert failed.reason == "Evidently could not score it: ValueError: boom"
    missing = feature_outcome(col, DriftResult({}, {}))
    assert (missing.status, missing.reason_class, missing.reason) == (
        "error",
        "test_failed",
        "Evidently returned no result",
    )


def test_a_dead_column_keeps_the_class_the_data_stage_gave_it() -> None:
    col = quality.check_column("x", "feature", "numerical", GOOD, pd.DataFrame({"y": np.zeros(50)}))
    outcome = feature_outcome(col, DriftResult({}, {}))
    assert (outcome.status, outcome.reason_class) == ("skipped", "missing")

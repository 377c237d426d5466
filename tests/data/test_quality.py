"""Each way a column can die gets its reason class where its status is decided (the label of
the pushed driftboard_feature_status series and of DriftboardFeatureDead)."""

import numpy as np
import pandas as pd
import pytest

from driftboard.data import quality
from driftboard.results import ReasonClass

N = 50
GOOD = pd.DataFrame({"x": np.linspace(0, 1, N)})


@pytest.mark.parametrize(
    ("ref", "cur", "status", "kind"),
    [
        (GOOD, pd.DataFrame({"y": np.zeros(N)}), "skipped", ReasonClass.MISSING),
        (GOOD, pd.DataFrame([[1.0, 2.0]] * N, columns=["x", "x"]), "skipped", ReasonClass.DUPLICATED),
        (GOOD, pd.DataFrame({"x": [np.nan] * N}), "skipped", ReasonClass.ALL_NULL),
        (GOOD, pd.DataFrame({"x": ["abc"] * N}), "error", ReasonClass.WRONG_TYPE),
        # The reference's own problems are the spec's or the reference's, whatever their kind.
        (pd.DataFrame({"y": np.zeros(N)}), GOOD, "skipped", ReasonClass.REFERENCE),
        (pd.DataFrame({"x": ["abc"] * N}), GOOD, "error", ReasonClass.REFERENCE),
        (pd.DataFrame({"x": [np.nan] * N}), GOOD, "skipped", ReasonClass.REFERENCE),
    ],
    ids=["missing", "duplicated", "all-null", "wrong-type", "ref-missing", "ref-wrong-type", "ref-all-null"],
)
def test_a_dead_column_has_its_reason_class(
    ref: pd.DataFrame, cur: pd.DataFrame, status: str, kind: ReasonClass
) -> None:
    col = quality.check_column("x", "feature", "numerical", ref, cur)
    assert (col.status, col.reason_class) == (status, kind)
    assert col.reason  # the full reason stays for the store and the CLI


def test_a_scored_column_has_no_reason_class() -> None:
    col = quality.check_column("x", "feature", "numerical", GOOD, GOOD)
    assert (col.status, col.reason_class) == ("ok", None)

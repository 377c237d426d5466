"""The KS p-value from n, m and D alone equals scipy's ks_2samp on the samples themselves."""

import numpy as np
import pytest
from scipy.stats import ks_2samp

from driftboard.drift.spark.kstest import ks_pvalue


@pytest.mark.parametrize(("n", "m"), [(30, 45), (1000, 1000), (10_000, 7), (10_001, 500), (40_000, 30_000)])
def test_equals_scipy_exact_and_asymptotic(n: int, m: int) -> None:
    rng = np.random.default_rng(n + m)
    a, b = np.round(rng.normal(0, 1, n), 1), np.round(rng.normal(0.05, 1, m), 1)  # ties on purpose
    theirs = ks_2samp(a, b)
    assert ks_pvalue(float(theirs.statistic), n, m) == pytest.approx(theirs.pvalue, rel=1e-12, abs=1e-300)

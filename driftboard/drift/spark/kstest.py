"""The KS p-value from n, m and D alone, with scipy's `ks_2samp` method choice (mode "auto")."""

import math

import numpy as np

EXACT_KS_MAX = 10_000  # scipy computes exact p-values when both samples are at most this long


def ks_pvalue(d: float, n1: int, n2: int) -> float:
    from scipy.stats import kstwo

    if max(n1, n2) <= EXACT_KS_MAX:
        from scipy.stats._stats_py import _attempt_exact_2kssamp  # ks_2samp's own exact step

        ok, _, prob = _attempt_exact_2kssamp(n1, n2, math.gcd(n1, n2), d, "two-sided")
        if ok:  # else scipy falls back to the asymptotic formula, as below
            return float(np.clip(prob, 0, 1))
    big, small = sorted([float(n1), float(n2)], reverse=True)
    return float(np.clip(kstwo.sf(d, np.round(big * small / (big + small))), 0, 1))

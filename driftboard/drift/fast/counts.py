"""P-value tests on value counts: chi-square and the two-proportion Z test, as Evidently runs them."""

import numpy as np

from driftboard.drift.fast.current import Counts, Current


def chi_square(cur: Current) -> float:
    return chi_square_of(_counts(cur))


def chi_square_of(c: Counts) -> float:
    from scipy.stats import chisquare  # imported when used: scipy.stats costs a second

    expected = c.ref * (c.m / c.n)  # reference counts scaled to the current size
    return float(chisquare(c.cur, expected)[1])


def z_test(cur: Current) -> float:
    return z_of(_counts(cur))


def z_of(c: Counts) -> float:
    """Share of values other than the smallest key, reference against current, two-sided."""
    from scipy.stats import norm

    if len(c.keys) == 1:  # one value, the same on both sides
        return 1.0
    first = min(range(len(c.keys)), key=c.keys.__getitem__)
    n1, n2 = c.n, c.m
    p1 = float(n1 - int(c.ref[first])) / n1
    p2 = float(n2 - int(c.cur[first])) / n2
    pooled = float(p1 * n1 + p2 * n2) / (n1 + n2)
    z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2))
    return float(2 * (1 - norm.cdf(np.abs(z))))


def _counts(cur: Current) -> Counts:
    return cur.counts

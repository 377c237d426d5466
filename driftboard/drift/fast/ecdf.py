"""KS and normed Wasserstein from the sorted reference, instead of merging the samples as scipy does.

KS, and Wasserstein on a window much smaller than the reference, walk the current values
once and look the reference up by binary search: O(m log n) for a window of m values.
Wasserstein on windows of comparable size integrates the quantile functions in one pass with
no search at all: O(n + m), about 4x faster at a million rows each. Both equal scipy's to
rounding (KS exactly).
"""

import math

import numpy as np

from driftboard.drift.fast.current import NumCurrent

EXACT_KS_MAX = 10_000  # scipy's ks_2samp computes exact p-values up to this sample size
CHUNK = 1 << 15  # current values per vectorised step: keeps temporaries in cache
QUANTILE_CHUNK = 1 << 16  # steps per pass: fewer GIL hand-overs between the pool's threads


def ks(cur: NumCurrent) -> float:
    from scipy.stats import ks_2samp, kstwo  # imported when used: scipy.stats costs a second

    p, c = cur.profile, cur.values
    if max(p.n, len(c)) <= EXACT_KS_MAX:
        return float(ks_2samp(p.values, c)[1])  # small samples: scipy's exact p-value, as is
    big, small = sorted([float(p.n), float(len(c))], reverse=True)
    en = big * small / (big + small)
    return float(np.clip(kstwo.sf(ks_statistic(p.values, c), np.round(en)), 0, 1))


def ks_statistic(v: np.ndarray, c: np.ndarray) -> float:
    """scipy's two-sided D: the extremes of F - G sit at current points or just before the next."""
    n, m = len(v), len(c)
    at = np.searchsorted(c, c, "right")  # G(c_j) * m, ties included
    following = np.where(at < m, c[np.minimum(at, m - 1)], np.inf)
    g = at / m
    diffs = np.concatenate(
        (
            np.searchsorted(v, c, "right") / n - g,
            np.searchsorted(v, following, "left") / n - g,
            [np.searchsorted(v, c[0], "left") / n - 0.0],
        )
    )
    low, high = np.clip(-diffs.min(), 0, 1), diffs.max()
    return float(low if low > high else high)


def wasserstein(cur: NumCurrent) -> float:
    """Evidently's score: W1(reference, current) / max(std(reference), 0.001)."""
    p, c = cur.profile, cur.values
    if p.n + len(c) <= len(c) * math.log2(p.n) / 2:  # a pass over both beats m binary searches
        w1 = _w1_quantiles(p.values, c)
    else:
        w1 = _w1(p.values, p.integral, c)
    return w1 / max(p.std, 0.001)


def _w1_quantiles(v: np.ndarray, c: np.ndarray) -> float:
    """∫₀¹ |F⁻¹ - G⁻¹|: both are steps, F⁻¹ at the i/n and G⁻¹ at the j/m; exact integer lengths."""
    return (_quantile_side(v, c, ties_first=True) + _quantile_side(c, v, ties_first=False)) / (
        len(v) * len(c)
    )


def _quantile_side(a: np.ndarray, b: np.ndarray, ties_first: bool) -> float:
    """Σ |a[i-1] - b[j]| · length over the pieces that end at a's steps i/n, in units of 1/(n m).

    A piece starts at the later of a's previous step and b's last step before i/n (at a tie,
    `ties_first` puts a's step first, so the piece is counted once). b's quantile on it is the
    value after that step: b[j], j = the number of b's steps before it.
    """
    n, m = len(a), len(b)
    total = 0.0
    for start in range(0, n, QUANTILE_CHUNK):
        im = np.arange(start + 1, min(start + QUANTILE_CHUNK, n) + 1, dtype=np.int64) * m  # i/n as i m/(n m)
        below = (im - 1) // n if ties_first else im // n
        length = im - np.maximum(im - m, below * n)
        np.minimum(below, m - 1, out=below)  # a tie at the very end has length 0
        gap = np.abs(a[start : start + len(im)] - b[below])
        total += float(np.sum(gap * length))  # not np.dot: BLAS threads would fight the pool's
    return total


def _integral_at(v: np.ndarray, integral: np.ndarray, x: np.ndarray) -> np.ndarray:
    """∫ F from -inf to x, F the reference ECDF."""
    k = np.searchsorted(v, x, "right")
    below = np.maximum(k - 1, 0)
    return np.where(k == 0, 0.0, integral[below] + (k / len(v)) * (x - v[below]))


def _w1(v: np.ndarray, integral: np.ndarray, c: np.ndarray) -> float:
    """∫|F - G|, split at the current values: G is constant between two of them."""
    m = len(c)
    hi = max(v[-1], c[-1])
    total, a0, i0 = 0.0, min(v[0], c[0]), 0.0
    for start in range(0, m + 1, CHUNK):
        b = c[start : start + CHUNK]
        ib = _integral_at(v, integral, b)
        if start + CHUNK >= m + 1:  # the last segment runs from the last current value to the end
            b, ib = np.append(b, hi), np.append(ib, integral[-1] + (hi - v[-1]))
        a, ia = np.r_[a0, b[:-1]], np.r_[i0, ib[:-1]]
        total += _segments(v, integral, a, b, ia, ib, np.arange(start, start + len(b)), m)
        a0, i0 = b[-1], ib[-1]
    return total


def _segments(
    v: np.ndarray,
    integral: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    ia: np.ndarray,
    ib: np.ndarray,
    j: np.ndarray,
    m: int,
) -> float:
    """Σ ∫_a^b |F - j/m|: F crosses j/m once, at the ceil(j n / m)-th reference value."""
    q = -((-j * len(v)) // m)
    qi = np.maximum(q - 1, 0)
    t = np.clip(np.where(q == 0, a, v[qi]), a, b)
    it = np.where(t == a, ia, np.where(t == b, ib, integral[qi]))
    g = j / m
    return float(np.sum(g * (t - a) - (it - ia) + (ib - it) - g * (b - t)))

"""Distances on binned or counted data: Jensen-Shannon, PSI, KL, Hellinger.

Replicates evidently's `get_binned_data`: numerical columns with more than 20 distinct
reference values are cut into Sturges bins over reference and current together (counted
here by binary search in the sorted reference); others are compared value by value.
"""

import math

import numpy as np

from driftboard.drift.fast.current import CatCurrent, Current, NumCurrent

HISTOGRAM_ABOVE = 20  # distinct reference values above which a numerical column is binned


def sturges_edges(lo: float, hi: float, size: int) -> np.ndarray:
    """np.histogram_bin_edges(x, "sturges") from x's min, max and size alone."""
    width = (hi - lo) / (np.log2(size) + 1.0)
    bins = int(np.ceil((hi - lo) / width)) if width else 1
    return np.histogram_bin_edges(np.array([lo, hi]), bins=bins)


def histogram(sorted_values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """np.histogram's counts (last bin closed) from an already sorted array."""
    cut = np.r_[
        np.searchsorted(sorted_values, edges[:-1], "left"),
        np.searchsorted(sorted_values, edges[-1:], "right"),
    ]
    return np.diff(cut)


def percents(cur: Current) -> tuple[np.ndarray, np.ndarray]:
    p = cur.profile
    if isinstance(cur, NumCurrent) and cur.profile.n_unique > HISTOGRAM_ABOVE:
        v, c = cur.profile.values, cur.values
        edges = sturges_edges(min(v[0], c[0]), max(v[-1], c[-1]), len(v) + len(c))
        return histogram(v, edges) / p.n, histogram(c, edges) / len(c)
    counts = cur.counts
    return counts.ref / counts.n, counts.cur / counts.m


def fill_zeroes(shares: np.ndarray) -> np.ndarray:
    """Evidently's `feel_zeroes`: empty bins get a millionth of the smallest share, at most 1e-4."""
    smallest = min(shares[shares != 0])
    filled = shares.copy()
    np.place(filled, filled == 0, smallest / 10**6 if smallest <= 0.0001 else 0.0001)
    return filled


def rel_entr(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """scipy.special.rel_entr: x log(x/y), 0 where x is 0, inf where y is 0 and x is not."""
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = x * np.log(x / y)
    return np.where(x == 0, 0.0, np.where(y == 0, np.inf, terms))


def jensenshannon(cur: Current) -> float:
    return js_of(*percents(cur))


def js_of(p: np.ndarray, q: np.ndarray) -> float:
    """scipy.spatial.distance.jensenshannon's steps, in numpy: importing scipy.spatial costs a
    run more than its columns take to score."""
    p, q = p / np.sum(p), q / np.sum(q)
    m = (p + q) / 2.0
    return float(np.sqrt((np.sum(rel_entr(p, m)) + np.sum(rel_entr(q, m))) / 2.0))


def psi(cur: Current) -> float:
    return psi_of(*percents(cur))


def psi_of(ref: np.ndarray, now: np.ndarray) -> float:
    ref, now = fill_zeroes(ref), fill_zeroes(now)
    return float(np.sum((ref - now) * np.log(ref / now)))


def kl_div(cur: Current) -> float:
    return kl_of(*percents(cur))


def kl_of(ref: np.ndarray, now: np.ndarray) -> float:
    ref, now = fill_zeroes(ref), fill_zeroes(now)
    from scipy import stats  # KL is rarely configured: scipy.stats costs a second to import

    return float(stats.entropy(ref, now))


def hellinger(cur: Current) -> float:
    """Categories: shares; numbers: Sturges densities over the distinct values of both sides."""
    if isinstance(cur, CatCurrent):
        c = cur.counts
        terms = np.sqrt((c.ref / c.n) * (c.cur / c.m))
    else:
        terms = _numeric_hellinger_terms(cur)
    return hellinger_of(terms)


def hellinger_of(terms: np.ndarray) -> float:
    total = 0.0
    for term in terms.tolist():  # left to right, as Evidently's loop adds them
        total += term
    return math.sqrt(1 - float(np.clip(total, 0, 1)))


def _numeric_hellinger_terms(cur: NumCurrent) -> np.ndarray:
    v, c = cur.profile.values, cur.values
    mine, _ = cur.levels
    at = np.minimum(np.searchsorted(v, mine), len(v) - 1)
    distinct = cur.profile.n_unique + len(mine) - int(np.count_nonzero(v[at] == mine))
    edges = sturges_edges(min(v[0], c[0]), max(v[-1], c[-1]), distinct)
    return density_terms(histogram(v, edges), histogram(c, edges), edges)


def density_terms(ref_counts: np.ndarray, cur_counts: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Evidently's numerical Hellinger terms from both sides' histogram counts over `edges`."""
    width = float(edges.max() - edges.min()) / (len(edges) - 1)
    h1, h2 = (_density(x, edges) for x in (ref_counts, cur_counts))
    return np.asarray(np.sqrt(h1 * h2) * width, dtype=float)


def _density(counts: np.ndarray, edges: np.ndarray) -> np.ndarray:
    return np.asarray(counts / np.diff(edges) / counts.sum(), dtype=float)

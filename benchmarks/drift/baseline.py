"""The bar driftboard is measured against: Evidently's default statistics in plain numpy/scipy.

Written to be fast, not to lose: the reference is prepared once (sorted finite values, std,
category counts), the current side does one sort per numerical column, a linear merge with the
sorted reference (a stable sort of two sorted runs is one timsort merge) and one pass of
cumulative sums; categorical columns are hashed once with pandas' value_counts. Columns run
on threads (numpy and pandas release the GIL) like driftboard's. Covers the choices Evidently
makes for these cases (more than 1000 reference rows): normed Wasserstein for numerical
columns with more than 5 distinct values, Jensen-Shannon on value counts otherwise.
"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.spatial import distance

from driftboard.data.quality import Column

FEW = 5  # distinct values (reference and current together) up to which JS is used


@dataclass(frozen=True)
class Prepared:
    numerical: bool
    sorted_values: np.ndarray  # numerical: finite reference values, sorted
    std: float
    counts: pd.Series  # value counts: categorical columns, or numerical with at most FEW values


def prepare(series: pd.Series, numerical: bool) -> Prepared:
    if not numerical:
        return Prepared(False, np.empty(0), 0.0, series.value_counts())
    values = series.to_numpy(dtype=np.float64)
    values = np.sort(values[np.isfinite(values)])
    few = np.count_nonzero(values[1:] != values[:-1]) < FEW  # distinct values of a sorted array - 1
    counts = pd.Series(values).value_counts() if few else pd.Series(dtype=np.int64)
    return Prepared(True, values, float(np.std(values)), counts)


def wasserstein_normed(ref: Prepared, cur: np.ndarray) -> float:
    """scipy's wasserstein_distance(ref, cur) / max(std(ref), 0.001), reference already sorted."""
    v, n, m = ref.sorted_values, len(ref.sorted_values), len(cur)
    merged = np.concatenate((v, np.sort(cur)))
    order = np.argsort(merged, kind="stable")  # two sorted runs: one linear merge
    from_ref = order < n
    ref_cdf = np.cumsum(from_ref)[:-1] / n  # right-continuous CDFs at each merged value
    cur_cdf = np.cumsum(~from_ref)[:-1] / m
    deltas = np.diff(merged[order])
    return float(np.sum(np.abs(ref_cdf - cur_cdf) * deltas)) / max(ref.std, 0.001)


def jensenshannon(ref_counts: pd.Series, cur_counts: pd.Series) -> float:
    both = pd.concat([ref_counts, cur_counts], axis=1).fillna(0).to_numpy()  # union of the keys
    return float(distance.jensenshannon(both[:, 0] / both[:, 0].sum(), both[:, 1] / both[:, 1].sum()))


def score(ref: Prepared, series: pd.Series) -> tuple[str, float]:
    if not ref.numerical:
        return "jensenshannon", jensenshannon(ref.counts, series.value_counts())
    values = series.to_numpy(dtype=np.float64)
    values = values[np.isfinite(values)]
    if len(ref.counts) and len(np.unique(values)) <= FEW:
        union = ref.counts.index.union(np.unique(values))
        if len(union) <= FEW:
            return "jensenshannon", jensenshannon(ref.counts, pd.Series(values).value_counts())
    return "wasserstein", wasserstein_normed(ref, values)


def prepare_all(columns: list[Column], threads: int) -> dict[str, Prepared]:
    with ThreadPoolExecutor(threads) as pool:
        done = pool.map(lambda c: prepare(c.reference, c.column_type == "numerical"), columns)
        return dict(zip([c.name for c in columns], done, strict=True))


def score_all(columns: list[Column], prepared: dict[str, Prepared], threads: int) -> dict[str, float]:
    with ThreadPoolExecutor(threads) as pool:
        done = pool.map(lambda c: score(prepared[c.name], c.current)[1], columns)
        return dict(zip([c.name for c in columns], done, strict=True))
